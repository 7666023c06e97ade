import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createLearnableWeights } from './learnable.js';
import { crossEntropy, entropy, minEntropyLoss, mixEntropyLoss, swappedCrossEntropy } from './paper.js';
import { MIN_ENT_PRESET, MIX_ENT_PRESET } from './presets.js';
import type { PaperSettings } from './presets.js';
import { expectClose, useCpuBackend, valueOf } from './testing.test-util.js';

beforeAll(useCpuBackend);

const disposables: { dispose(): void }[] = [];
afterEach(() => {
  disposables.splice(0).forEach((d) => d.dispose());
});

/** A small softmax-regression task: 128 points in 8 dimensions, 5 classes set by a random teacher. */
function task(seed: number): { x: tf.Tensor2D; labels: tf.Tensor1D; kernel: tf.Variable } {
  const x = tf.randomNormal([128, 8], 0, 1, 'float32', seed) as tf.Tensor2D;
  const labels = tf.tidy(() => tf.argMax(tf.matMul(x, tf.randomNormal([8, 5], 0, 1, 'float32', seed + 1)), 1)) as tf.Tensor1D;
  const kernel = tf.variable(tf.randomNormal([8, 5], 0, 0.1, 'float32', seed + 2));
  disposables.push(x, labels, kernel);
  return { x, labels, kernel };
}

describe('createLearnableWeights', () => {
  it('starts at the initial weights and keeps w1·w2 fixed within the ratio bound', async () => {
    const learnable = createLearnableWeights(MIN_ENT_PRESET);
    disposables.push(learnable);
    const start = await learnable.read();
    expectClose(start.w1, MIN_ENT_PRESET.w1, 1e-6, 0, 'w1');
    expectClose(start.w2, MIN_ENT_PRESET.w2, 1e-6, 0, 'w2');
    for (const theta of [-1e3, -5, 0, 0.7, 40, 1e6]) {
      learnable.variables[0]!.assign(tf.scalar(theta));
      const { w1, w2 } = await learnable.read();
      expectClose(w1 * w2, learnable.scale ** 2, 1e-5, 0, `w1·w2 at θ = ${theta}`);
      expect(w1 / w2).toBeGreaterThanOrEqual(0.01 * (1 - 1e-5));
      expect(w1 / w2).toBeLessThanOrEqual(100 * (1 + 1e-5));
    }
  });

  it.each([
    ['MIN-ENT', minEntropyLoss, MIN_ENT_PRESET],
    ['MIX-ENT', mixEntropyLoss, MIX_ENT_PRESET],
  ] as const)('%s: Adam on the weights for 600 steps keeps both bounded away from zero and finite', async (_name, loss, preset) => {
    const { x, labels, kernel } = task(11);
    const learnable = createLearnableWeights(preset);
    disposables.push(learnable);
    const [theta] = learnable.variables;
    const modelOptimizer = tf.train.adam(0.05);
    const weightOptimizer = tf.train.adam(0.05);
    const lossAt = (): tf.Scalar => loss(labels, tf.matMul(x, kernel), { ...preset, ...learnable.weights() });
    const first = valueOf(tf.tidy(lossAt));
    const floor = learnable.scale / 10; // c / √maxRatio with the default maxRatio 100
    let tensorsAfterFirstStep = 0;
    for (let step = 1; step <= 600; step++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(lossAt, [kernel, theta!]);
        // Each optimizer gets its own group: the model's kernel, and the weights' θ.
        modelOptimizer.applyGradients([{ name: kernel.name, tensor: grads[kernel.name]! }]);
        weightOptimizer.applyGradients([{ name: theta!.name, tensor: grads[theta!.name]! }]);
      });
      if (step === 1) tensorsAfterFirstStep = tf.memory().numTensors;
      if (step % 50 === 0) {
        expect(tf.memory().numTensors).toBe(tensorsAfterFirstStep);
        const { w1, w2 } = await learnable.read();
        expect(Number.isFinite(w1) && Number.isFinite(w2)).toBe(true);
        expect(Math.min(w1, w2)).toBeGreaterThan(floor * (1 - 1e-4));
      }
    }
    expect(valueOf(tf.tidy(lossAt))).toBeLessThan(first);
    modelOptimizer.dispose();
    weightOptimizer.dispose();
  });

  it('an unconstrained weight runs to zero and below under the same loop (why the constraint exists)', () => {
    const { x, labels, kernel } = task(11);
    const w1 = tf.variable(tf.scalar(MIN_ENT_PRESET.w1));
    const w2 = tf.variable(tf.scalar(MIN_ENT_PRESET.w2));
    disposables.push(w1, w2);
    const optimizer = tf.train.adam(0.05);
    for (let step = 0; step < 200; step++) {
      tf.tidy(() => {
        optimizer.minimize(() => minEntropyLoss(labels, tf.matMul(x, kernel), { ...MIN_ENT_PRESET, w1, w2 }), false, [kernel, w1, w2]);
      });
    }
    expect(Math.min(w1.dataSync()[0]!, w2.dataSync()[0]!)).toBeLessThan(0);
    optimizer.dispose();
  });

  it.each([
    ['MIN-ENT', minEntropyLoss, MIN_ENT_PRESET, (y: tf.Tensor, z: tf.Tensor, p: PaperSettings) => entropy(z, { base: p.b2, eps: p.eps })],
    [
      'MIX-ENT',
      mixEntropyLoss,
      MIX_ENT_PRESET,
      (y: tf.Tensor, z: tf.Tensor, p: PaperSettings) => swappedCrossEntropy(y, z, { base: p.b2, eps: p.eps }),
    ],
  ] as const)('%s: on fixed logits the weights settle where both terms contribute equally', async (_name, loss, preset, regularizer) => {
    const logits = tf.randomNormal([64, 10], 0, 2, 'float32', 21);
    const labels = tf.randomUniform([64], 0, 10, 'int32', 22);
    disposables.push(logits, labels);
    const ce = valueOf(crossEntropy(labels, logits, { base: preset.b1, eps: preset.eps }));
    const reg = valueOf(regularizer(labels, logits, preset));
    const learnable = createLearnableWeights(preset);
    disposables.push(learnable);
    const optimizer = tf.train.adam(0.05);
    for (let step = 0; step < 500; step++) {
      tf.tidy(() => {
        optimizer.minimize(() => loss(labels, logits, { ...preset, ...learnable.weights() }), false, [...learnable.variables]);
      });
    }
    const { w1, w2 } = await learnable.read();
    expectClose(w1 * ce, w2 * reg, 1e-2, 0, 'w1·CE vs w2·R');
    expectClose(w1, learnable.scale * Math.sqrt(reg / ce), 1e-2, 0, 'w1 = c·√(R/CE)');
    optimizer.dispose();
  });

  it('a regularizer below zero pins the weights at the ratio bound, not at zero', async () => {
    // Confident predictions: H_eps(p) = −ln(1 + eps) < 0 while CE > 0 (wrong classes), so
    // descent pushes w1 down and w2 up for as long as it can.
    const logits = tf.tensor2d([
      [60, 0, 0],
      [0, 60, 0],
    ]);
    const labels = tf.tensor1d([1, 0], 'int32');
    disposables.push(logits, labels);
    expect(valueOf(entropy(logits))).toBeLessThan(0);
    expect(valueOf(crossEntropy(labels, logits))).toBeGreaterThan(0);
    const learnable = createLearnableWeights({ w1: 1, w2: 1 }, { maxRatio: 25 });
    disposables.push(learnable);
    const optimizer = tf.train.adam(0.1);
    for (let step = 0; step < 300; step++) {
      tf.tidy(() => {
        optimizer.minimize(() => minEntropyLoss(labels, logits, learnable.weights()), false, [...learnable.variables]);
      });
    }
    const { w1, w2 } = await learnable.read();
    expect(w1).toBeGreaterThanOrEqual((1 / 5) * (1 - 1e-3));
    expect(w1).toBeLessThan(0.25);
    expect(w2).toBeLessThanOrEqual(5 * (1 + 1e-3));
    optimizer.dispose();
  });

  it('the loss differentiates with respect to tensor weights: ∂/∂w1 = CE_b1, ∂/∂w2 = the regularizer', () => {
    const logits = tf.randomNormal([16, 7], 0, 2, 'float32', 31);
    const labels = tf.randomUniform([16], 0, 7, 'int32', 32);
    disposables.push(logits, labels);
    const w1 = tf.scalar(0.5);
    const w2 = tf.scalar(2);
    disposables.push(w1, w2);
    const [g1, g2] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      minEntropyLoss(labels, logits, { ...MIN_ENT_PRESET, w1: a as tf.Scalar, w2: b as tf.Scalar }),
    )([w1, w2]);
    expectClose(valueOf(g1 as tf.Scalar), valueOf(crossEntropy(labels, logits, { base: MIN_ENT_PRESET.b1 })), 1e-6, 0, '∂/∂w1');
    expectClose(valueOf(g2 as tf.Scalar), valueOf(entropy(logits, { base: MIN_ENT_PRESET.b2 })), 1e-6, 0, '∂/∂w2');
  });

  it('rejects weights that cannot be learned in this scheme', () => {
    expect(() => createLearnableWeights({ w1: 0, w2: 1 })).toThrow('createLearnableWeights: initial w1 must be > 0, got 0');
    expect(() => createLearnableWeights({ w1: 1, w2: 1 }, { maxRatio: 1 })).toThrow('createLearnableWeights: maxRatio must be > 1, got 1');
    expect(() => createLearnableWeights({ w1: 1000, w2: 1 })).toThrow(/lies outside \(1\/maxRatio, maxRatio\)/);
    expect(() => createLearnableWeights({ w1: 1, w2: 1 }, { ratio: 3 } as never)).toThrow("createLearnableWeights: unknown option 'ratio'");
  });
});
