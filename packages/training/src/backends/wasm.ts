import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels } from './wasm-kernels.js';

/** What the wasm backend runs with, as detected once at initialization. */
export interface WasmBackendInfo {
  /** Whether the SIMD build of the backend runs (Node 20 and current browsers: yes). */
  readonly simd: boolean;
  /** Whether the runtime allows the multithreaded build (browsers with cross-origin isolation; never Node). */
  readonly multithread: boolean;
  /** Threads the backend uses: 1 unless multithreaded. */
  readonly threads: number;
}

/** Options of `initWasmBackend`. */
export interface WasmBackendOptions {
  /**
   * Threads to use where the runtime allows multithreading; tfjs defaults to its own choice (at most half the
   * logical cores). Ignored where it does not: tfjs-backend-wasm turns threads off in Node (tfjs issue #3830).
   */
  threads?: number;
}

/**
 * Loads `@tensorflow/tfjs-backend-wasm`, registers the gradient kernels it lacks, and makes `wasm` the active
 * backend: SIMD and threads are used wherever the runtime allows them. Importing this module has no side
 * effect; calling this does. Call it before any other code initializes the wasm backend, or `threads` is ignored.
 */
export async function initWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackendInfo> {
  const { threads } = options;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new Error(`initWasmBackend: threads must be an integer >= 1 (got ${threads})`);
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  registerWasmKernels();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  if (multithread && threads !== undefined) wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('initWasmBackend: the wasm backend failed to initialize');
  await tf.ready();
  return Object.freeze({ simd, multithread, threads: wasm.getThreadsCount() });
}
