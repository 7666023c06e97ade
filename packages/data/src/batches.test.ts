import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { PIXEL_MEAN, PIXEL_STD, batches, normalizePixels } from './batches.js';
import type { LetterSet } from './emnist.js';
import { Rng } from './rng.js';
import { batchToTensors } from './tensors.js';

/** A set whose image i is filled with the value i and labelled i mod 26. */
function numberedSet(count: number): LetterSet {
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) images.fill(i, i * 784, (i + 1) * 784);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 26), count };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('normalizePixels', () => {
  it('scales to [0, 1] then normalizes with the reference mean and std', () => {
    const out = normalizePixels(Uint8Array.from([0, 255, 51]));
    expect(out[0]).toBeCloseTo(-0.1307 / 0.3081, 6);
    expect(out[1]).toBeCloseTo((1 - 0.1307) / 0.3081, 6);
    expect(out[2]).toBeCloseTo((0.2 - PIXEL_MEAN) / PIXEL_STD, 6);
  });
});

describe('batches', () => {
  const set = numberedSet(250);

  it('covers every example exactly once, in order without an rng', () => {
    const all = [...batches(set, { batchSize: 100 })];
    expect(all.map((b) => b.size)).toEqual([100, 100, 50]);
    expect(all.flatMap((b) => Array.from(b.indices))).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const last = all[2]!;
    expect(last.labels[0]).toBe(200 % 26);
    expect(last.images[0]).toBeCloseTo((200 / 255 - PIXEL_MEAN) / PIXEL_STD, 5);
  });

  it('shuffles deterministically under a seed, into a permutation', () => {
    const order = (seed: number) => [...batches(set, { batchSize: 64, rng: Rng.fromSeed(seed) })].flatMap((b) => Array.from(b.indices));
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
    expect([...order(1)].sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('keeps each image with its own label through the shuffle', () => {
    for (const batch of batches(set, { batchSize: 32, rng: Rng.fromSeed(5) })) {
      batch.indices.forEach((i, k) => {
        expect(batch.labels[k]).toBe(i % 26);
        expect(batch.images[k * 784 + 400]).toBeCloseTo((i / 255 - PIXEL_MEAN) / PIXEL_STD, 5);
      });
    }
  });

  it('augments deterministically under a seed', () => {
    const real = numberedSet(8);
    real.images.forEach((_, p) => (real.images[p] = (p * 37) % 256));
    const run = (seed: number) => [...batches(real, { batchSize: 8, rng: Rng.fromSeed(seed), augment: true })][0]!.images;
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    const plain = [...batches(real, { batchSize: 8, rng: Rng.fromSeed(3) })][0]!.images;
    expect(run(3)).not.toEqual(plain);
  });

  it('drops a short last batch on request and refuses bad options', () => {
    expect([...batches(set, { batchSize: 100, dropLast: true })].length).toBe(2);
    expect(() => [...batches(set, { batchSize: 0 })]).toThrow(/batchSize must be a positive integer/);
    expect(() => [...batches(set, { batchSize: 10, augment: true })]).toThrow(/need an rng/);
  });
});

describe('batchToTensors', () => {
  it('makes [N, 28, 28, 1] float32 images and [N] int32 labels without leaking', () => {
    const before = tf.memory().numTensors;
    for (const batch of batches(numberedSet(30), { batchSize: 16 })) {
      tf.tidy(() => {
        const { xs, ys } = batchToTensors(batch);
        expect(xs.shape).toEqual([batch.size, 28, 28, 1]);
        expect(xs.dtype).toBe('float32');
        expect(ys.dtype).toBe('int32');
        expect(Array.from(ys.dataSync())).toEqual(Array.from(batch.labels));
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
