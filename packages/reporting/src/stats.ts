import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { ClassIndices } from './runs.js';

function checkValues(values: readonly number[], what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${what}: value ${i} is ${String(values[i])}, expected a finite number`);
  }
}

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  checkValues(values, 'mean');
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation, with n − 1 in the denominator; NaN for fewer than two values. */
export function sampleStd(values: readonly number[]): number {
  checkValues(values, 'sampleStd');
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / (values.length - 1));
}

/** A two-sided confidence interval of a mean. */
export interface ConfidenceInterval {
  /** Lower end; NaN when it is undefined (fewer than two values). */
  low: number;
  /** Upper end; NaN when it is undefined. */
  high: number;
  /** Half width: the t quantile × std / √n. */
  halfWidth: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
}

/** The Student-t quantile t_{(1+level)/2, df}: the multiplier of a two-sided interval. */
export function tCritical(level: number, df: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level ${level} is not in (0, 1)`);
  if (!(df > 0)) throw new RangeError(`degrees of freedom ${df} must be positive`);
  return tQuantile(1 - (1 - level) / 2, df);
}

/**
 * Confidence interval of the mean with Student's t: mean ± t_{(1+level)/2, n−1} · s / √n, s the
 * sample standard deviation. Undefined (NaN ends) for fewer than two values. Not clipped to [0, 1].
 */
export function confidenceInterval(values: readonly number[], level = 0.95): ConfidenceInterval {
  const n = values.length;
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level ${level} is not in (0, 1)`);
  if (n < 2) return { low: Number.NaN, high: Number.NaN, halfWidth: Number.NaN, level };
  const m = mean(values);
  const halfWidth = (tCritical(level, n - 1) * sampleStd(values)) / Math.sqrt(n);
  return { low: m - halfWidth, high: m + halfWidth, halfWidth, level };
}

function checkCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} is ${value}, expected a count (integer ≥ 0)`);
}

/** Largest n for which the binomial sums below are exact in double precision (all terms < 2^53). */
const EXACT_MAX_N = 50;

/** P[X ≤ k] for X ~ Bin(n, 1/2) as an exact sum of binomial coefficients over 2^n (n ≤ 50). */
function halfBinomialCdfExact(k: number, n: number): number {
  let coefficient = 1; // C(n, 0)
  let sum = 1;
  for (let j = 0; j < k; j++) {
    coefficient = (coefficient * (n - j)) / (j + 1); // C(n, j + 1), an integer below 2^53
    sum += coefficient;
  }
  return sum / 2 ** n;
}

/**
 * Two-sided exact McNemar test from the discordant counts b and c: with n = b + c and
 * X ~ Bin(n, 1/2), p = min(1, 2 · P[X ≤ min(b, c)]); p = 1 when b + c = 0. Exact sums for
 * n ≤ 50, stdlib's binomial CDF (regularized incomplete beta, stable for n in the tens of thousands) above.
 */
export function mcnemarExact(b: number, c: number): number {
  checkCount(b, 'McNemar b');
  checkCount(c, 'McNemar c');
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  const tail = n <= EXACT_MAX_N ? halfBinomialCdfExact(k, n) : binomialCdf(k, n, 0.5);
  return Math.min(1, 2 * tail);
}

/** The 2 × 2 table of two classifiers on the same examples. */
export interface PairedCounts {
  /** A right, B wrong. */
  b: number;
  /** A wrong, B right. */
  c: number;
  /** Both right. */
  both: number;
  /** Both wrong. */
  neither: number;
}

/** Counts agreement of two prediction sequences against the labels (A = first, B = second). */
export function pairedCounts(predA: ClassIndices, predB: ClassIndices, labels: ClassIndices): PairedCounts {
  if (predA.length !== labels.length || predB.length !== labels.length) {
    throw new RangeError(
      `pairedCounts: ${predA.length} and ${predB.length} predictions for ${labels.length} labels; all three must have the same length`,
    );
  }
  let b = 0;
  let c = 0;
  let both = 0;
  let neither = 0;
  for (let i = 0; i < labels.length; i++) {
    const aRight = predA[i] === labels[i];
    const bRight = predB[i] === labels[i];
    if (aRight && bRight) both++;
    else if (aRight) b++;
    else if (bRight) c++;
    else neither++;
  }
  return { b, c, both, neither };
}
