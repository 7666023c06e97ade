import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TorchBackend } from './backend.js';
import { TORCH_UNAVAILABLE, loadBinding } from './binding.js';
import { physicalCores, resolveTorchSettings } from './settings.js';
import { loadTorch } from './testing.test-util.js';

const torch = await loadTorch();

describe('loading the addon', () => {
  it('without a built addon, says so and how to get libtorch', () => {
    const error = (() => {
      try {
        loadBinding(join(tmpdir(), 'no-such-dir', 'torch_backend.node'));
      } catch (e) {
        return e as Error & { code: string };
      }
    })();
    expect(error?.code).toBe(TORCH_UNAVAILABLE);
    expect(error?.message).toMatch(
      /its native addon is not built .*no-such-dir.*pip install torch.*apt install libtorch-dev.*LIBTORCH=.*npm rebuild @mixent\/tfjs-backend-torch/,
    );
  });

  it('with an addon that does not load, names it and the loader error', () => {
    const bogus = join(mkdtempSync(join(tmpdir(), 'mixent-torch-')), 'torch_backend.node');
    writeFileSync(bogus, 'not a shared library');
    expect(() => loadBinding(bogus)).toThrow(/its native addon .*torch_backend\.node does not load \(.*\)/);
  });
});

describe('settings', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('counts physical cores, not hyper-threads', () => {
    const block = (core: number, physical = 0) => `processor\t: ${core}\nphysical id\t: ${physical}\ncore id\t\t: ${core % 2}\n`;
    expect(physicalCores([block(0), block(1), block(2), block(3)].join('\n'))).toBe(2);
    expect(physicalCores([block(0), block(1), block(2, 1), block(3, 1)].join('\n'))).toBe(4);
  });

  it('reads MIXENT_TORCH_DEVICE and MIXENT_TORCH_THREADS, refusing what cannot run', () => {
    expect(resolveTorchSettings(false, { MIXENT_TORCH_THREADS: '3' })).toEqual({ device: 'cpu', threads: 3 });
    expect(resolveTorchSettings(true, { MIXENT_TORCH_THREADS: '1' })).toEqual({ device: 'cuda', threads: 1 });
    expect(resolveTorchSettings(true, { MIXENT_TORCH_DEVICE: 'cpu', MIXENT_TORCH_THREADS: '1' }).device).toBe('cpu');
    expect(() => resolveTorchSettings(false, { MIXENT_TORCH_DEVICE: 'cuda' })).toThrow(
      /MIXENT_TORCH_DEVICE=cuda, but the libtorch .* has no CUDA/,
    );
    expect(() => resolveTorchSettings(false, { MIXENT_TORCH_DEVICE: 'tpu' })).toThrow(
      'MIXENT_TORCH_DEVICE=tpu: expected cpu, cuda or auto',
    );
    expect(() => resolveTorchSettings(false, { MIXENT_TORCH_THREADS: '0' })).toThrow(
      'MIXENT_TORCH_THREADS=0: expected a whole number of at least 1',
    );
  });
});

if (torch.available) {
  const { fallbackCounts, resetFallbackCounts, torchInfo } = await import('./index.js');

  describe('the torch backend', () => {
    beforeAll(async () => {
      expect(await tf.setBackend('torch')).toBe(true);
    });

    it('describes what runs: libtorch version, device, threads, oneDNN', () => {
      const info = torchInfo();
      expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(info.description).toBe(
        `torch (libtorch ${info.version}, ${info.device}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${info.mkldnn && info.device === 'cpu' ? ', oneDNN' : ''}${info.device === 'cuda' ? (info.cudnn ? ', cuDNN' : ', no cuDNN') : ''})`,
      );
      expect(info.threads).toBe(Number(process.env.MIXENT_TORCH_THREADS || physicalCores()));
    });

    it('writes, reads, moves and disposes exactly: float32, int32, bool and strings', async () => {
      const before = tf.memory() as tf.MemoryInfo & { numBytesInTorch: number; numTorchTensors: number };
      const a = tf.tensor2d([
        [1.5, -2],
        [3, 4.25],
      ]);
      const b = tf.tensor1d([7, -8, 9], 'int32');
      const c = tf.tensor1d([true, false, true], 'bool');
      const s = tf.tensor1d(['torch', 'ü']);
      expect(a.dataSync()).toEqual(new Float32Array([1.5, -2, 3, 4.25]));
      expect(await b.data()).toEqual(new Int32Array([7, -8, 9]));
      expect(c.dataSync()).toEqual(new Uint8Array([1, 0, 1]));
      expect(s.arraySync()).toEqual(['torch', 'ü']);
      const during = tf.memory() as typeof before;
      expect(during.numTorchTensors - before.numTorchTensors).toBe(3);
      expect(during.numBytesInTorch - before.numBytesInTorch).toBe(16 + 12 + 3);
      expect(tf.engine().backend.numDataIds()).toBe(tf.memory().numDataBuffers);
      tf.dispose([a, b, c, s]);
      const after = tf.memory() as typeof before;
      expect([after.numTorchTensors, after.numBytesInTorch]).toEqual([before.numTorchTensors, before.numBytesInTorch]);
      expect(after.unreliable).toBe(false);
    });

    it('takes tensors over from another backend', async () => {
      await tf.setBackend('cpu');
      const x = tf.tensor1d([1, 2, 3]);
      await tf.setBackend('torch');
      expect(tf.mul(x, 2).dataSync()).toEqual(new Float32Array([2, 4, 6]));
      x.dispose();
    });

    it('runs a kernel it does not have on the cpu fallback, and counts it', () => {
      resetFallbackCounts();
      const cumulative = tf.cumsum(tf.tensor1d([1, 2, 3, 4]));
      expect(cumulative.dataSync()).toEqual(new Float32Array([1, 3, 6, 10]));
      // Also a native kernel on strings, which live in JavaScript, and int32 powers, which ATen refuses.
      expect(tf.reshape(tf.tensor1d(['a', 'b', 'c', 'd']), [2, 2]).arraySync()).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
      expect(tf.pow(tf.tensor1d([2, 3], 'int32'), tf.tensor1d([3, 2], 'int32')).dataSync()).toEqual(new Int32Array([8, 9]));
      // Statistics that tfjs reads cyclically and ATen would broadcast differently.
      const normalized = tf.batchNorm(tf.ones([2, 4, 3, 5]), tf.zeros([1, 4, 1, 5]), tf.ones([1, 4, 1, 5]));
      expect(normalized.shape).toEqual([2, 4, 3, 5]);
      expect(fallbackCounts()).toEqual({ Cumsum: 1, FusedBatchNorm: 1, Pow: 1, Reshape: 1 });
      tf.dispose([cumulative, normalized]);
    });

    it('turns ATen errors into JavaScript errors without a C++ stack trace', () => {
      const backend = tf.engine().backend as TorchBackend;
      const x = tf.tensor1d([1, 2, 3]);
      expect(() => backend.run('Reshape', [x], [4, 4])).toThrow(/^shape '\[4, 4\]' is invalid for input of size 3$/);
      x.dispose();
    });

    it('frees native memory on dispose: 10,000 tensors of 1 MB leave the process size where it was', async () => {
      const values = new Float32Array(262_144).fill(1);
      const cycle = async () => {
        for (let i = 0; i < 1000; i++) {
          tf.tidy(() => {
            tf.add(tf.tensor1d(values), 1).dataSync();
          });
        }
        // Lets vitest's worker answer its runner between rounds.
        await new Promise(setImmediate);
      };
      await cycle();
      const rss = process.memoryUsage().rss;
      for (let round = 0; round < 9; round++) await cycle();
      // 10,000 kept would be 20 GB (each tensor and its sum); the allowance is for the heap's own growth.
      expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 2 ** 20);
    }, 120_000);
  });
}
