import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { isTestedTfjsRelease } from '../tfjs-internals.js';
import { packageVersion } from './optional.js';
import { installWasmKernels } from './wasm-kernels.js';
import { MAX_WASM_THREADS, withNodeThreads } from './wasm-node-threads.js';

/**
 * Registers, for the `wasm` backend, the kernels a VGG-5 or Spinal-VGG training step needs and
 * tfjs-backend-wasm lacks (`Conv2DBackpropFilter`), runs slowly (`Conv2DBackpropInput`, `Tile`, `Sum`,
 * `Mean`, `MaxPoolGrad`) or gets wrong (`OneHot`, whose dtype it ignores); see `WASM_KERNELS`. Idempotent. Import `@tensorflow/tfjs-backend-wasm` first (this module does not,
 * so that importing it has no side effect); it may be called before or after the backend initializes.
 */
export function registerWasmKernels(): void {
  installWasmKernels(packageVersion('@tensorflow/tfjs-backend-wasm'));
}

/** What the wasm backend runs with, as detected once at initialization. */
export interface WasmBackendInfo {
  /** Whether the SIMD build of the backend runs (Node 20 and current browsers: yes). */
  readonly simd: boolean;
  /** Whether the multithreaded build runs (Node, and browsers with cross-origin isolation). */
  readonly multithread: boolean;
  /** Threads its convolutions and matrix products use: 1 unless multithreaded. */
  readonly threads: number;
}

/** Options of `initWasmBackend`. */
export interface WasmBackendOptions {
  /**
   * Threads for convolutions, matrix products and pooling (XNNPACK), 1 to 8; 1 runs the single-threaded build.
   * Defaults to MIXENT_WASM_THREADS, else half the logical CPUs. Element-wise kernels run on one thread whatever
   * this says.
   */
  threads?: number;
}

/**
 * MIXENT_WASM_THREADS, else half the logical CPUs (1 to 8): tfjs-backend-wasm's own default in browsers. More is
 * not always faster: narrow models gain little from threads, and nx runs two trainings at once (BENCHMARKS.md).
 */
function defaultThreads(): number {
  const fromEnv = process.env.MIXENT_WASM_THREADS;
  if (fromEnv) return Number(fromEnv);
  return Math.min(MAX_WASM_THREADS, Math.max(1, Math.floor(availableParallelism() / 2)));
}

/**
 * Loads `@tensorflow/tfjs-backend-wasm`, registers the gradient kernels it lacks, and makes `wasm` the active
 * backend, with SIMD and threads wherever the runtime allows them (in Node, threads rely on internals of the
 * tested tfjs release, TESTED_TFJS_RELEASE; other releases run one thread). Importing this module has no side effect; calling this does. Call it before
 * any other code initializes the wasm backend, or `threads` is ignored (the info says what runs).
 */
export async function initWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackendInfo> {
  const { threads = defaultThreads() } = options;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_WASM_THREADS)) {
    throw new Error(
      `initWasmBackend: threads must be an integer from 1 to ${MAX_WASM_THREADS} (got ${
        options.threads === undefined ? `MIXENT_WASM_THREADS=${JSON.stringify(process.env.MIXENT_WASM_THREADS)}` : threads
      })`,
    );
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  registerWasmKernels();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  wasm.setThreadsCount(threads);
  const start = async () => {
    if (!(await tf.setBackend('wasm'))) throw new Error('initWasmBackend: the wasm backend failed to initialize');
    await tf.ready();
  };
  const nodeThreads =
    tf.env().get('IS_NODE') && simd && threads > 1 && isTestedTfjsRelease(packageVersion('@tensorflow/tfjs-backend-wasm'));
  await (nodeThreads ? withNodeThreads(threads, start) : start());
  const actual = wasm.getThreadsCount();
  return Object.freeze({ simd, multithread: actual > 1, threads: actual });
}
