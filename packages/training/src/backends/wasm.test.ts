import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initWasmBackend } from './wasm.js';
import { WASM_KERNELS } from './wasm-kernels.js';

/** The fixture's thread count and gradient digest, from a process started with MIXENT_WASM_THREADS=threads. */
async function gradientDigest(threads: number): Promise<{ threads: number; digest: string }> {
  const fixture = join(import.meta.dirname, '..', '__fixtures__', 'gradient-digest.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@mixent/source', '--import', 'tsx', fixture], {
    env: { ...process.env, MIXENT_WASM_THREADS: String(threads) },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as { threads: number; digest: string };
}

describe('initWasmBackend', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([0, 9, 1.5])('rejects %s threads before touching the backend', async (threads) => {
    await expect(initWasmBackend({ threads })).rejects.toThrow(`threads must be an integer from 1 to 8 (got ${threads})`);
  });

  it('names MIXENT_WASM_THREADS when the bad count comes from it', async () => {
    vi.stubEnv('MIXENT_WASM_THREADS', 'many');
    await expect(initWasmBackend()).rejects.toThrow('threads must be an integer from 1 to 8 (got MIXENT_WASM_THREADS="many")');
  });

  it('makes wasm the backend in Node with SIMD, threads and the gradient kernels', async () => {
    const info = await initWasmBackend({ threads: 2 });
    expect(tf.getBackend()).toBe('wasm');
    // tfjs-backend-wasm alone would run one thread in Node (tfjs issue #3830); withNodeThreads starts two.
    expect(info).toEqual({ simd: true, multithread: true, threads: 2 });
    expect(Object.isFrozen(info)).toBe(true);
    for (const kernel of WASM_KERNELS) expect(tf.getKernel(kernel, 'wasm')).toBeDefined();
  });

  it('gives bit-identical gradients on 1 and 2 threads, in processes that exit by themselves', async () => {
    const [one, two] = [await gradientDigest(1), await gradientDigest(2)];
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.digest).toBe(one.digest);
  }, 120_000);
});
