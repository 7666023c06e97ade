// Shared set-up and assertions of the tests (not part of the build).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core registers no gradient functions in Node; the tfjs-layers bundle registers them all.
import '@tensorflow/tfjs-layers';
import { expect } from 'vitest';

import { type LabelKind, type Matrix, type RandomCase, randomCase, seededRandom } from './reference64.test-util.js';

// Values: 1e-5 relative to the float64 reference. The absolute part (1e-7 per unit of 1/|ln b|)
// only matters for batch values within float32 resolution of 0: ln(p + eps) near p = 1 is
// rounded to ~6e-8 absolute, so e.g. the entropy of a fully confident batch has no relative bound.
export const VALUE_RTOL = 1e-5;
export const VALUE_ATOL = 1e-7;
// Gradients: 1e-3 relative to central finite differences in float64, entry by entry. The
// absolute part is 1e-6 of the loss's gradient scale S/N (see gradientScale in paper.test.ts):
// float32 computes each entry as p_i·(a_i − ⟨p, a⟩) with |a| up to S, so entries far below S/N
// carry ~1e-7·S/N of rounding that no relative bound can absorb.
export const GRADIENT_RTOL = 1e-3;
export const GRADIENT_ATOL_OF_SCALE = 1e-6;

const KINDS: readonly LabelKind[] = ['indices', 'one-hot', 'soft'];
const SCALES = [0.1, 1, 4, 12];

/** Seeded random batches of every label kind, logit scale, and sizes N ≤ 16, K ≤ 62. */
export function randomCases(seed: number, count: number): RandomCase[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) =>
    randomCase(random, 1 + Math.floor(random() * 16), 2 + Math.floor(random() * 61), SCALES[i % SCALES.length]!, KINDS[i % KINDS.length]!),
  );
}

/** Selects the tfjs cpu backend, on which all tests run. */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
}

/** The value of a scalar tensor, disposing it. */
export function valueOf(scalar: tf.Scalar): number {
  const value = scalar.dataSync()[0] as number;
  scalar.dispose();
  return value;
}

/** The rows of a 2-D tensor, disposing it. */
export function rowsOf(tensor: tf.Tensor): Matrix {
  const rows = tensor.arraySync() as Matrix;
  tensor.dispose();
  return rows;
}

/** The labels of a case as the tensor its kind calls for: int32 indices [N] or float32 [N, K]. */
export function labelsOf(c: RandomCase): tf.Tensor {
  return c.kind === 'indices' ? tf.tensor1d(c.indices, 'int32') : tf.tensor2d(c.dense);
}

/** Value and gradient with respect to the logits of `loss` at `logits`. */
export function valueAndGradient(loss: (logits: tf.Tensor) => tf.Scalar, logits: Matrix): { value: number; gradient: Matrix } {
  const z = tf.tensor2d(logits);
  const { value, grad } = tf.valueAndGrad(loss)(z);
  z.dispose();
  return { value: valueOf(value), gradient: rowsOf(grad) };
}

/**
 * Asserts |actual − expected| ≤ rtol·|expected| + atol. The small atol only matters for values
 * within float32 resolution of 0, where no relative bound can hold (see README, numerical notes).
 */
export function expectClose(actual: number, expected: number, rtol: number, atol = 0, what = ''): void {
  const error = Math.abs(actual - expected);
  const bound = rtol * Math.abs(expected) + atol;
  if (!(error <= bound)) {
    expect.fail(`${what}: got ${actual}, expected ${expected} (error ${error.toExponential(2)} > bound ${bound.toExponential(2)})`);
  }
}

/** Asserts every entry of two matrices is close in the sense of `expectClose`. */
export function expectMatrixClose(actual: Matrix, expected: Matrix, rtol: number, atol: number, what = ''): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((row, n) => row.forEach((e, k) => expectClose(actual[n]![k]!, e, rtol, atol, `${what} [${n},${k}]`)));
}
