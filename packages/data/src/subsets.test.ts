import { describe, expect, it } from 'vitest';
import { classCounts } from './emnist.js';
import { Rng } from './rng.js';
import { selectExamples, stratifiedSplit } from './subsets.js';

describe('stratifiedSplit', () => {
  const labels = Uint8Array.from({ length: 300 }, (_, i) => (i < 200 ? i % 2 : 2)); // 100 of 0, 100 of 1, 100 of 2

  it('takes the same number from each class, deterministically under a seed', () => {
    const a = stratifiedSplit(labels, Rng.fromSeed(1), 10);
    expect(classCounts(Uint8Array.from(a.taken, (i) => labels[i]!)).slice(0, 3)).toEqual([10, 10, 10]);
    expect(a.taken.length + a.rest.length).toBe(300);
    expect(new Set([...a.taken, ...a.rest]).size).toBe(300);
    expect(stratifiedSplit(labels, Rng.fromSeed(1), 10)).toEqual(a);
    expect(stratifiedSplit(labels, Rng.fromSeed(2), 10).taken).not.toEqual(a.taken);
  });

  it('takes a share of each class through a function, and refuses impossible counts', () => {
    const { taken } = stratifiedSplit(labels, Rng.fromSeed(3), (n) => Math.round(n * 0.25));
    expect(taken).toHaveLength(75);
    expect(() => stratifiedSplit(labels, Rng.fromSeed(3), 101)).toThrow('cannot take 101 of the 100 examples of class 0');
  });
});

describe('selectExamples', () => {
  it('copies the chosen images and labels in order', () => {
    const set = {
      images: Uint8Array.from({ length: 3 * 784 }, (_, p) => Math.floor(p / 784) + 1),
      labels: Uint8Array.from([5, 6, 7]),
      count: 3,
    };
    const picked = selectExamples(set, [2, 0]);
    expect(picked.count).toBe(2);
    expect(Array.from(picked.labels)).toEqual([7, 5]);
    expect(picked.images[0]).toBe(3);
    expect(picked.images[784]).toBe(1);
    expect(() => selectExamples(set, [3])).toThrow('index 3 is outside 0..2');
  });
});
