import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('checkpoints', () => {
  it('round-trip state and tensors exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-ckpt-'));
    const weights = tf.tensor2d([
      [1.5, -2.25e-7],
      [3, Math.PI],
    ]);
    const iter = tf.scalar(42, 'int32');
    await saveCheckpoint(dir, {
      state: { epoch: 3, lr: 0.00123 },
      tensors: [
        { name: 'model/0', tensor: weights },
        { name: 'optimizer/0', tensor: iter },
      ],
    });
    const loaded = await loadCheckpoint<{ epoch: number; lr: number }>(dir);
    expect(loaded?.state).toEqual({ epoch: 3, lr: 0.00123 });
    expect(loaded?.tensors.map((t) => t.name)).toEqual(['model/0', 'optimizer/0']);
    expect(Array.from(loaded!.tensors[0]!.tensor.dataSync())).toEqual(Array.from(weights.dataSync()));
    expect(loaded!.tensors[1]!.tensor.dtype).toBe('int32');
    expect(readdirSync(dir)).toEqual(['checkpoint']);
    tf.dispose([weights, iter, ...loaded!.tensors.map((t) => t.tensor)]);
  });

  it('replaces the previous checkpoint, and falls back to it when a swap was interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-ckpt-'));
    const t = tf.scalar(1);
    await saveCheckpoint(dir, { state: { epoch: 1 }, tensors: [{ name: 'x', tensor: t }] });
    await saveCheckpoint(dir, { state: { epoch: 2 }, tensors: [{ name: 'x', tensor: t }] });
    expect((await loadCheckpoint<{ epoch: number }>(dir))?.state.epoch).toBe(2);
    // A kill between the two renames leaves only checkpoint.prev/ (and a half-written checkpoint.next/).
    const { renameSync, mkdirSync } = await import('node:fs');
    renameSync(join(dir, 'checkpoint'), join(dir, 'checkpoint.prev'));
    mkdirSync(join(dir, 'checkpoint.next'));
    expect((await loadCheckpoint<{ epoch: number }>(dir))?.state.epoch).toBe(2);
    t.dispose();
  });

  it('has nothing to load in a fresh directory, and names a corrupt file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-ckpt-'));
    expect(await loadCheckpoint(dir)).toBeUndefined();
    const t = tf.tensor1d([1, 2, 3]);
    await saveCheckpoint(dir, { state: {}, tensors: [{ name: 'x', tensor: t }] });
    writeFileSync(join(dir, 'checkpoint', 'tensors.bin'), new Uint8Array(5));
    await expect(loadCheckpoint(dir)).rejects.toThrow(
      `${join(dir, 'checkpoint', 'tensors.bin')}: 5 bytes, expected 12: corrupt checkpoint`,
    );
    expect(existsSync(join(dir, 'checkpoint.next'))).toBe(false);
    t.dispose();
  });
});
