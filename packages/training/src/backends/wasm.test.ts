import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initWasmBackend } from './wasm.js';
import { WASM_KERNELS } from './wasm-kernels.js';

describe('initWasmBackend', () => {
  it('rejects a bad thread count before touching the backend', async () => {
    await expect(initWasmBackend({ threads: 0 })).rejects.toThrow('threads must be an integer >= 1');
  });

  it('makes wasm the backend, with SIMD where the runtime has it and the gradient kernels registered', async () => {
    const info = await initWasmBackend({ threads: 2 });
    expect(tf.getBackend()).toBe('wasm');
    // Node 20 runs wasm SIMD; tfjs-backend-wasm never runs threads in Node (tfjs issue #3830).
    expect(info).toEqual({ simd: true, multithread: false, threads: 1 });
    expect(Object.isFrozen(info)).toBe(true);
    for (const kernel of WASM_KERNELS) expect(tf.getKernel(kernel, 'wasm')).toBeDefined();
  });
});
