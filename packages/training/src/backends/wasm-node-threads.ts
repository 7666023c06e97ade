import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The script each wasm thread runs in Node; it ships beside this module. */
const THREAD_SCRIPT = fileURLToPath(new URL('./wasm-thread-worker.cjs', import.meta.url));

/** The most threads tfjs-backend-wasm runs: its build pre-creates 8 workers. */
export const MAX_WASM_THREADS = 8;

/**
 * Runs `init`, which must initialize tfjs' wasm backend, so that in Node it starts the multithreaded build with
 * `threads` threads. tfjs-backend-wasm 4.22 runs one thread in Node (tfjs issue #3830) for three reasons, each
 * undone here for the duration of `init` only: its multithreading flag is false in Node; it gives Emscripten
 * the thread script as a Blob URL, which worker_threads cannot load (THREAD_SCRIPT is loaded instead); and it
 * caps threads at half of os.cpus(), on the guess of two hyperthreads a core: one thread on a 2-core machine.
 * The threads are then unref'd, so that an idle thread pool does not keep the process alive.
 */
export async function withNodeThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const { createObjectURL } = URL;
  const { cpus } = os;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  URL.createObjectURL = (object) =>
    object instanceof Blob && object.type === 'application/javascript' ? THREAD_SCRIPT : createObjectURL(object);
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus()[i % cpus().length] as os.CpuInfo);
  try {
    return await init();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
    const backend = tf.findBackend('wasm') as BackendWasm | null;
    const pthreads = (backend?.wasm as { PThread?: { runningWorkers: { unref(): void }[] } } | undefined)?.PThread;
    for (const worker of pthreads?.runningWorkers ?? []) worker.unref();
  }
}
