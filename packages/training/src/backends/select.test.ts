import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
// Registers the gradients of tfjs ops (tfjs-core alone does not).
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { dawnAdapter } from '../__fixtures__/dawn.js';
import { BackendUnavailableError, selectBackend } from './select.js';

/** Whether @mixent/tfjs-backend-torch loads here (its addon built against a libtorch); CI requires it. */
async function torchLoads(): Promise<boolean> {
  const loads = await import('@mixent/tfjs-backend-torch' as string).then(
    () => true,
    () => false,
  );
  if (process.env.MIXENT_REQUIRE_TORCH === '1' && !loads)
    throw new Error('MIXENT_REQUIRE_TORCH=1, but @mixent/tfjs-backend-torch does not load');
  return loads;
}

describe('selectBackend', () => {
  it('auto picks the first backend that works here: torch with libtorch, else webgpu on a hardware adapter, else wasm (tfjs-node is absent)', async () => {
    const adapter = await dawnAdapter();
    const expected = (await torchLoads()) ? 'torch' : adapter && !adapter.software ? 'webgpu' : 'wasm';
    const info = await selectBackend('auto');
    expect(info.name).toBe(expected);
    if (expected !== 'wasm') return;
    expect(tf.getBackend()).toBe('wasm');
    expect(info.version).toBe('4.22.0');
    // Threads default to half the logical CPUs, 1 to 8.
    const threads = Math.min(8, Math.max(1, Math.floor(availableParallelism() / 2)));
    expect(info.description).toBe(`wasm (SIMD, ${threads} thread${threads === 1 ? '' : 's'}, mixent gradient kernels)`);
    // The gradient kernels are in place: a convolution's filter gradient runs.
    const grad = tf.grad((w) => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))(
      tf.ones([3, 3, 1, 1]),
    );
    expect(grad.shape).toEqual([3, 3, 1, 1]);
  });

  it('starts a named backend, and MIXENT_BACKEND names one when no preference is given', async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    process.env.MIXENT_BACKEND = 'wasm';
    try {
      expect((await selectBackend()).name).toBe('wasm');
    } finally {
      delete process.env.MIXENT_BACKEND;
    }
  });

  it('says how to get a backend that is not installed', async () => {
    const error = (await selectBackend('tensorflow').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(
      /neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed\. Install one \(npm install @tensorflow\/tfjs-node-gpu/,
    );
    await expect(selectBackend('tpu')).rejects.toThrow("unknown backend 'tpu': choose one of torch, tensorflow, webgpu, wasm, cpu or auto");
  });
});
