import { describe, expect, it } from 'vitest';
import { confidenceInterval, mcnemarExact, mean, pairedCounts, sampleStd, tCritical } from './stats.js';

/** P[X ≤ k], X ~ Bin(n, 1/2), computed exactly with BigInt and rounded once to a double. */
function exactHalfBinomialCdf(k: number, n: number): number {
  let coefficient = 1n;
  let sum = 1n;
  for (let j = 0; j < k; j++) {
    coefficient = (coefficient * BigInt(n - j)) / BigInt(j + 1);
    sum += coefficient;
  }
  // sum / 2^n with 64 significant bits of sum kept: far more than a double holds.
  const bits = sum.toString(2).length;
  const shift = Math.max(0, bits - 64);
  return Number(sum >> BigInt(shift)) * 2 ** (shift - n);
}

describe('mean and sampleStd', () => {
  it('match values computed by hand', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    // deviations ±1.5, ±0.5: squares 2.25 + 0.25 + 0.25 + 2.25 = 5, / (4 − 1) = 5/3
    expect(sampleStd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 15);
    expect(sampleStd([0.9, 0.9, 0.9])).toBe(0);
  });

  it('leave the undefined cases as NaN', () => {
    expect(mean([])).toBeNaN();
    expect(sampleStd([0.95])).toBeNaN();
    expect(sampleStd([])).toBeNaN();
    expect(() => mean([1, Number.NaN])).toThrow(/value 1 is NaN/);
  });
});

describe('confidenceInterval', () => {
  it('uses the Student-t quantile with n − 1 degrees of freedom', () => {
    // Table values of t_{0.975, df}.
    expect(tCritical(0.95, 1)).toBeCloseTo(12.7062, 4);
    expect(tCritical(0.95, 2)).toBeCloseTo(4.3027, 4);
    expect(tCritical(0.95, 4)).toBeCloseTo(2.7764, 4);
    expect(tCritical(0.95, 1000)).toBeCloseTo(1.9623, 4);
  });

  it('matches a hand computation on fixed inputs', () => {
    // [1, 2, 3]: mean 2, s = 1, half width = 4.302653 · 1 / √3 = 2.484138
    const ci = confidenceInterval([1, 2, 3]);
    expect(ci.halfWidth).toBeCloseTo(2.484138, 6);
    expect(ci.low).toBeCloseTo(2 - 2.484138, 6);
    expect(ci.high).toBeCloseTo(2 + 2.484138, 6);
    expect(ci.level).toBe(0.95);
    // [0.95, 0.96]: s = 0.01/√2, half width = 12.7062 · 0.005 = 0.063531
    expect(confidenceInterval([0.95, 0.96]).halfWidth).toBeCloseTo(0.063531, 6);
    // 90%: t_{0.95, 2} = 2.919986
    expect(confidenceInterval([1, 2, 3], 0.9).halfWidth).toBeCloseTo(2.919986 / Math.sqrt(3), 6);
  });

  it('is undefined for one seed', () => {
    const ci = confidenceInterval([0.95]);
    expect(ci.low).toBeNaN();
    expect(ci.high).toBeNaN();
    expect(ci.halfWidth).toBeNaN();
    expect(() => confidenceInterval([1, 2], 1)).toThrow(/level 1/);
  });
});

describe('mcnemarExact', () => {
  it('matches hand-computed small tables', () => {
    expect(mcnemarExact(0, 5)).toBe(0.0625); // 2 · 1/32
    expect(mcnemarExact(5, 0)).toBe(0.0625);
    expect(mcnemarExact(1, 6)).toBe(0.125); // 2 · (1 + 7)/128
    expect(mcnemarExact(3, 3)).toBe(1); // 2 · 42/64 > 1
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(0, 1)).toBe(1); // 2 · 1/2
    expect(mcnemarExact(6, 0)).toBe(0.03125); // 2 · 1/64
    expect(mcnemarExact(2, 10)).toBe(0.03857421875); // 2 · (1 + 12 + 66)/4096 = 158/4096
    expect(mcnemarExact(4, 7)).toBe(0.548828125); // 2 · (1 + 11 + 55 + 165 + 330)/2048
  });

  it('agrees with exact BigInt sums on both sides of the exact/stdlib switch', () => {
    for (const n of [40, 50, 51, 60, 120]) {
      for (let k = 0; k <= n / 2; k += 3) {
        const expected = Math.min(1, 2 * exactHalfBinomialCdf(k, n));
        expect(Math.abs(mcnemarExact(k, n - k) - expected)).toBeLessThanOrEqual(1e-13 * expected);
      }
    }
  });

  it('is accurate for a full EMNIST-sized table (b + c = 20,000)', () => {
    // Independent check: exact BigInt binomial sums (about 12,000 bits).
    for (const [b, c] of [
      [9_900, 10_100],
      [9_700, 10_300],
      [9_000, 11_000],
    ] as const) {
      const expected = 2 * exactHalfBinomialCdf(b, b + c);
      const got = mcnemarExact(b, c);
      expect(Math.abs(got - expected) / expected).toBeLessThan(1e-10);
      expect(mcnemarExact(c, b)).toBe(got);
    }
    // Normal approximation with continuity correction: z = (200 − 1)/√20000 ≈ 1.4071, p = 2·(1 − Φ(z)) ≈ 0.1594.
    expect(mcnemarExact(9_900, 10_100)).toBeCloseTo(0.1594, 3);
    // Far tail: no underflow to a wrong value, no NaN.
    const tiny = mcnemarExact(9_000, 11_000);
    expect(tiny).toBeGreaterThan(0);
    expect(tiny).toBeLessThan(1e-40);
  });

  it('rejects counts that are not counts', () => {
    expect(() => mcnemarExact(-1, 3)).toThrow(/McNemar b is -1/);
    expect(() => mcnemarExact(1, 2.5)).toThrow(/McNemar c is 2.5/);
  });
});

describe('pairedCounts', () => {
  it('counts the four cells of the paired table', () => {
    const labels = [0, 1, 2, 3, 0, 1];
    const predA = [0, 1, 2, 0, 1, 1]; // right at 0, 1, 2, 5
    const predB = [0, 0, 2, 3, 2, 1]; // right at 0, 2, 3, 5
    expect(pairedCounts(predA, predB, labels)).toEqual({ b: 1, c: 1, both: 3, neither: 1 });
    expect(pairedCounts(Int32Array.from(predB), predA, Int32Array.from(labels))).toEqual({ b: 1, c: 1, both: 3, neither: 1 });
    expect(pairedCounts([0, 0], [1, 1], [0, 1])).toEqual({ b: 1, c: 1, both: 0, neither: 0 });
  });

  it('names a length mismatch', () => {
    expect(() => pairedCounts([0], [0, 1], [0, 1])).toThrow(/1 and 2 predictions for 2 labels/);
  });
});
