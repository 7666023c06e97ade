import * as tf from '@tensorflow/tfjs-core';
import { TORCH_UNAVAILABLE } from './binding.js';

/**
 * Loads the backend for a test file: true when it runs here, false when it is not available (the tests then check
 * the error instead). With MIXENT_REQUIRE_TORCH=1 (CI) an unavailable backend fails the tests.
 */
export async function loadTorch(): Promise<{ available: true } | { available: false; error: Error }> {
  try {
    await import('./index.js');
    return { available: true };
  } catch (error) {
    if ((error as { code?: string }).code !== TORCH_UNAVAILABLE) throw error;
    return { available: false, error: error as Error };
  }
}

/** The kernels that `fn` dispatches through the engine, by name. */
export async function dispatchedKernels<T>(fn: () => Promise<T> | T): Promise<{ result: T; kernels: Set<string> }> {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const original = engine.runKernel;
  const kernels = new Set<string>();
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    kernels.add(name);
    return original.call(this, name, ...rest);
  };
  try {
    return { result: await fn(), kernels };
  } finally {
    engine.runKernel = original;
  }
}
