import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerWasmKernels } from '@mixent/training';

/** The backends a page can run on, in the order `auto` tries them. */
export const BROWSER_BACKENDS = ['webgpu', 'wasm', 'webgl', 'cpu'] as const;

/** A backend's name, or `auto` for the first that starts. */
export type BackendChoice = 'auto' | (typeof BROWSER_BACKENDS)[number];

/** Starts one backend; false when this browser cannot run it. */
async function start(name: (typeof BROWSER_BACKENDS)[number]): Promise<boolean> {
  if (name === 'webgpu') {
    // No adapter (no GPU, or a browser without WebGPU): tfjs would fail later, so ask first.
    if (!('gpu' in navigator) || !(await (navigator as Navigator & { gpu: GPU }).gpu.requestAdapter())) return false;
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
  } else if (name === 'wasm') {
    // The files the bundler copied, by their hashed names; tfjs picks SIMD and threads as the page allows.
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    });
    registerWasmKernels();
  }
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** What runs, for people: "wasm (SIMD, 2 threads)". */
async function describe(name: string): Promise<string> {
  if (name !== 'wasm') return name;
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = getThreadsCount();
  const isolation = crossOriginIsolated ? '' : '; no cross-origin isolation, so no threads';
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${isolation})`;
}

/** Starts the chosen backend, or with `auto` the first of webgpu, wasm, webgl and cpu that starts; says which. */
export async function startBackend(choice: BackendChoice): Promise<{ name: string; description: string }> {
  for (const name of choice === 'auto' ? BROWSER_BACKENDS : [choice]) {
    if (await start(name)) {
      await tf.ready();
      return { name, description: await describe(name) };
    }
  }
  throw new Error(`the ${choice} backend cannot start in this browser${choice === 'auto' ? '' : '; choose auto'}`);
}
