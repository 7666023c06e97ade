import { Rng } from '@mixent/data';
import { describe, expect, it } from 'vitest';
import { nextLearningRate } from './schedule.js';

describe('the reference schedule', () => {
  it('keeps the learning rate after an improving epoch', () => {
    expect(nextLearningRate('reference', 0.005, 0.001, true, Rng.fromSeed(1))).toBe(0.001);
  });

  it('draws base · u³ from the run generator after an epoch that does not improve', () => {
    const expected = 0.005 * Rng.fromSeed(7).next() ** 3;
    expect(nextLearningRate('reference', 0.005, 0.005, false, Rng.fromSeed(7))).toBe(expected);
    const draws = Array.from(
      { length: 2000 },
      (
        (rng) => () =>
          nextLearningRate('reference', 0.005, 0.005, false, rng)
      )(Rng.fromSeed(1)),
    );
    expect(Math.max(...draws)).toBeLessThan(0.005);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    // E[u³] = 1/4.
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.005 / 4, 4);
  });

  it('never changes under the constant schedule', () => {
    expect(nextLearningRate('constant', 0.005, 0.005, false, Rng.fromSeed(1))).toBe(0.005);
  });
});
