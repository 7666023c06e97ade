import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { confidencePenalty, focalLoss, labelSmoothingCrossEntropy, poly1Loss, symmetricCrossEntropy } from './comparison.js';
import { PROBABILITY_FLOOR } from './core.js';
import { crossEntropy, minEntropyLoss } from './paper.js';
import type { Hypothesis64, Matrix } from './reference64.test-util.js';
import {
  confidencePenalty64,
  finiteDifferenceGradient,
  focal64,
  fromLogits64,
  fromProbabilities64,
  labelSmoothing64,
  poly164,
  seededRandom,
  symmetricCrossEntropy64,
} from './reference64.test-util.js';
import {
  GRADIENT_RTOL,
  VALUE_ATOL,
  VALUE_RTOL,
  expectClose,
  expectMatrixClose,
  labelsOf,
  randomCases,
  rowsOf,
  useCpuBackend,
  valueAndGradient,
  valueOf,
} from './testing.test-util.js';

beforeAll(useCpuBackend);

type Loss = (labels: tf.Tensor, logits: tf.Tensor, fromProbabilities: boolean) => tf.Scalar;

interface ComparisonUnderTest {
  name: string;
  loss: Loss;
  reference: (y: Matrix, h: Hypothesis64) => number;
  /** The size of ∂ℓ/∂p·p for this loss (see paper.test.ts), setting the absolute gradient tolerance. */
  scale: number;
}

// Logs without eps: ln p of the test logits stays above ≈ −150, so S uses ln(1/p) ≤ 150.
const LOG_SCALE = 150;

const UNDER_TEST: ComparisonUnderTest[] = [
  ...[{}, { alpha: 1, beta: 0.5, logZero: -9.21 }, { alpha: 0, beta: 1 }].map((o) => ({
    name: `symmetricCrossEntropy ${JSON.stringify(o)}`,
    loss: ((y, z, fromProbabilities) => symmetricCrossEntropy(y, z, { ...o, fromProbabilities })) as Loss,
    reference: (y: Matrix, h: Hypothesis64) => symmetricCrossEntropy64(y, h, o.alpha ?? 0.1, o.beta ?? 1, o.logZero ?? -4),
    scale: (o.alpha ?? 0.1) + (o.beta ?? 1) * Math.abs(o.logZero ?? -4),
  })),
  ...[{}, { beta: 0 }, { beta: 2.5 }].map((o) => ({
    name: `confidencePenalty ${JSON.stringify(o)}`,
    loss: ((y, z, fromProbabilities) => confidencePenalty(y, z, { ...o, fromProbabilities })) as Loss,
    reference: (y: Matrix, h: Hypothesis64) => confidencePenalty64(y, h, o.beta ?? 0.1),
    scale: 1 + (o.beta ?? 0.1) * LOG_SCALE,
  })),
  ...[{}, { smoothing: 0 }, { smoothing: 0.4 }, { smoothing: 1 }].map((o) => ({
    name: `labelSmoothingCrossEntropy ${JSON.stringify(o)}`,
    loss: ((y, z, fromProbabilities) => labelSmoothingCrossEntropy(y, z, { ...o, fromProbabilities })) as Loss,
    reference: (y: Matrix, h: Hypothesis64) => labelSmoothing64(y, h, o.smoothing ?? 0.1),
    scale: 1,
  })),
  ...[{}, { gamma: 0, alpha: 1 }, { gamma: 0.5, alpha: 0.75 }, { gamma: 5, alpha: 2 }].map((o) => ({
    name: `focalLoss ${JSON.stringify(o)}`,
    loss: ((y, z, fromProbabilities) => focalLoss(y, z, { ...o, fromProbabilities })) as Loss,
    reference: (y: Matrix, h: Hypothesis64) => focal64(y, h, o.gamma ?? 2, o.alpha ?? 0.25),
    scale: (o.alpha ?? 0.25) * (1 + (o.gamma ?? 2) * LOG_SCALE),
  })),
  ...[{}, { epsilon: 0 }, { epsilon: -1 }, { epsilon: 10 }].map((o) => ({
    name: `poly1Loss ${JSON.stringify(o)}`,
    loss: ((y, z, fromProbabilities) => poly1Loss(y, z, { ...o, fromProbabilities })) as Loss,
    reference: (y: Matrix, h: Hypothesis64) => poly164(y, h, o.epsilon ?? 2),
    scale: 1 + Math.abs(o.epsilon ?? 2),
  })),
];

describe('values and gradients against the float64 reference', () => {
  UNDER_TEST.forEach(({ name, loss, reference, scale }, i) => {
    it(name, () => {
      for (const c of randomCases(600 + i, 12)) {
        const labels = labelsOf(c);
        const { value, gradient } = valueAndGradient((z) => loss(labels, z, false), c.logits);
        expectClose(value, reference(c.dense, fromLogits64(c.logits)), VALUE_RTOL, VALUE_ATOL, `${name} value`);
        const expected = finiteDifferenceGradient((z) => reference(c.dense, fromLogits64(z)), c.logits);
        expectMatrixClose(gradient, expected, GRADIENT_RTOL, (1e-6 * scale) / c.logits.length, `${name} gradient`);

        const probabilities = fromLogits64(c.logits).p.map((row) => row.map(Math.fround));
        const fromProbabilities = valueOf(loss(labels, tf.tensor2d(probabilities), true));
        const expectedFromProbabilities = reference(c.dense, fromProbabilities64(probabilities, PROBABILITY_FLOOR));
        // Given probabilities are float32 themselves, so ln p of small p carries their rounding.
        expectClose(fromProbabilities, expectedFromProbabilities, VALUE_RTOL, VALUE_ATOL, `${name} from probabilities`);
        labels.dispose();
      }
    });
  });
});

describe('published defaults and reductions', () => {
  const c = randomCases(700, 1)[0]!;
  const labels = (): tf.Tensor => tf.tensor1d(c.indices, 'int32');
  const logits = (): tf.Tensor => tf.tensor2d(c.logits);
  const ce = (): number => valueOf(crossEntropy(labels(), logits(), { eps: 0 }));
  const { p } = fromLogits64(c.logits);
  const complement = p.reduce((s, row, n) => s + 1 - row[c.indices[n]!]!, 0) / p.length;

  it('symmetric cross entropy defaults to 0.1·CE + 4·(1 − p_y) for one-hot labels', () => {
    expectClose(valueOf(symmetricCrossEntropy(labels(), logits())), 0.1 * ce() + 4 * complement, 1e-5, 0, 'SCE');
  });

  it('poly-1 defaults to CE + 2·(1 − p_y) and reduces to CE with epsilon 0', () => {
    expectClose(valueOf(poly1Loss(labels(), logits())), ce() + 2 * complement, 1e-5, 0, 'poly-1');
    expectClose(valueOf(poly1Loss(labels(), logits(), { epsilon: 0 })), ce(), 1e-6, 0, 'poly-1 ε1 = 0');
  });

  it('focal loss with γ = 0 and α = 1 is CE; its default is γ = 2, α = 0.25', () => {
    expectClose(valueOf(focalLoss(labels(), logits(), { gamma: 0, alpha: 1 })), ce(), 1e-6, 0, 'focal γ = 0');
    const focal = p.reduce((s, row, n) => s - 0.25 * (1 - row[c.indices[n]!]!) ** 2 * Math.log(row[c.indices[n]!]!), 0) / p.length;
    expectClose(valueOf(focalLoss(labels(), logits())), focal, 1e-5, 0, 'focal default');
  });

  it('label smoothing with ε = 0 is CE', () => {
    expectClose(valueOf(labelSmoothingCrossEntropy(labels(), logits(), { smoothing: 0 })), ce(), 1e-6, 0, 'LS ε = 0');
  });

  it('the confidence penalty is MIN-ENT with w2 = −β in natural logs without eps', () => {
    const penalty = valueOf(confidencePenalty(labels(), logits(), { beta: 0.3 }));
    expectClose(penalty, valueOf(minEntropyLoss(labels(), logits(), { w2: -0.3, eps: 0 })), 1e-6, 0, 'CP');
  });
});

describe('extreme inputs', () => {
  const LOSSES = [
    (y: tf.Tensor, z: tf.Tensor) => symmetricCrossEntropy(y, z),
    (y: tf.Tensor, z: tf.Tensor) => confidencePenalty(y, z),
    (y: tf.Tensor, z: tf.Tensor) => labelSmoothingCrossEntropy(y, z),
    (y: tf.Tensor, z: tf.Tensor) => focalLoss(y, z),
    (y: tf.Tensor, z: tf.Tensor) => focalLoss(y, z, { gamma: 0.5 }),
    (y: tf.Tensor, z: tf.Tensor) => poly1Loss(y, z),
  ];

  it.each([1, 1000])('values and gradients stay finite for logits of ±1e4, batch %i', (n) => {
    const random = seededRandom(800 + n);
    const k = 62;
    const logits = tf.tensor2d(Array.from({ length: n }, () => Array.from({ length: k }, () => (random() < 0.5 ? -1e4 : 1e4) * random())));
    const indices = Array.from({ length: n }, () => Math.floor(random() * k));
    const labels = [tf.tensor1d(indices, 'int32'), tf.oneHot(tf.tensor1d(indices, 'int32'), k, 1, 0, 'float32')];
    for (const y of labels) {
      for (const loss of LOSSES) {
        const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => loss(y, z))(logits);
        expect(Number.isFinite(valueOf(value))).toBe(true);
        expect(rowsOf(grad).flat().every(Number.isFinite)).toBe(true);
      }
    }
    tf.dispose([logits, ...labels]);
  });

  it('a confident correct prediction keeps focal γ < 1 finite and poly-1 precise', () => {
    const logits = tf.tensor2d([[40, 0, 0]]);
    const labels = tf.tensor1d([0], 'int32');
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => focalLoss(labels, z, { gamma: 0.5 }))(logits);
    expect(Number.isFinite(valueOf(value))).toBe(true);
    expect(rowsOf(grad).flat().every(Number.isFinite)).toBe(true);
    // 1 − p_y ≈ 2e^−40 is far below float32's resolution of 1 − p, yet the poly term keeps it
    // (the CE term, −ln p_y ≈ 2e^−40, is 0 in tfjs' float32 log-softmax).
    const complement = 2 * Math.exp(-40);
    const polyTerm = valueOf(poly1Loss(labels, logits)) - valueOf(crossEntropy(labels, logits, { eps: 0 }));
    expectClose(polyTerm, 2 * complement, 1e-5, 0, 'poly-1 near p = 1');
    tf.dispose([logits, labels]);
  });

  it('rejects out-of-range options', () => {
    const y = tf.tensor1d([0], 'int32');
    const z = tf.zeros([1, 3]);
    expect(() => symmetricCrossEntropy(y, z, { logZero: 0 })).toThrow('symmetricCrossEntropy: logZero must be < 0, got 0');
    expect(() => confidencePenalty(y, z, { beta: -1 })).toThrow(/confidencePenalty: beta must be in \[0,/);
    expect(() => labelSmoothingCrossEntropy(y, z, { smoothing: 1.5 })).toThrow(
      'labelSmoothingCrossEntropy: smoothing must be in [0, 1], got 1.5',
    );
    expect(() => focalLoss(y, z, { alpha: 0 })).toThrow('focalLoss: alpha must be > 0, got 0');
    expect(() => focalLoss(y, z, { gamma: Number.POSITIVE_INFINITY })).toThrow(/focalLoss: gamma must be a finite number/);
    expect(() => poly1Loss(y, z, { eps: 1 } as never)).toThrow(
      "poly1Loss: unknown option 'eps' (expected one of: epsilon, fromProbabilities)",
    );
    tf.dispose([y, z]);
  });
});
