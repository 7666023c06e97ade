// No tfjs-layers, tfjs or tfjs-node here (vitest runs each file in its own module graph): tfjs-core on its own
// registers no gradient functions, and the README says the paper's losses from logits differentiate anyway.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';

import { focalLoss } from './comparison.js';
import { crossEntropy, entropy, minEntropyLoss, mixEntropyLoss, swappedCrossEntropy } from './paper.js';
import { MIN_ENT_PRESET, MIX_ENT_PRESET } from './presets.js';
import { getPerExampleLoss } from './registry.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('with tfjs-core alone', () => {
  const labels = tf.tensor1d([0, 2, 1], 'int32');
  const logits = tf.tensor2d([
    [1, 2, 0.5, -1],
    [0, 0, 3, 1],
    [2, -2, 0, 0],
  ]);
  const losses: [string, (z: tf.Tensor) => tf.Tensor][] = [
    ['crossEntropy', (z) => crossEntropy(labels, z)],
    ['entropy', (z) => entropy(z)],
    ['swappedCrossEntropy', (z) => swappedCrossEntropy(labels, z)],
    ['minEntropyLoss', (z) => minEntropyLoss(labels, z, MIN_ENT_PRESET)],
    ['mixEntropyLoss', (z) => mixEntropyLoss(labels, z, MIX_ENT_PRESET)],
    // Per example: tf.grad seeds every example's upstream gradient with 1, no reduction op needed.
    ['mix-ent per example', (z) => getPerExampleLoss('mix-ent', MIX_ENT_PRESET)(labels, z)],
  ];

  it.each(losses)('differentiates %s, matching central differences', (_name, loss) => {
    const gradient = tf.grad(loss)(logits).arraySync() as number[][];
    const values = logits.arraySync();
    const h = 1e-2;
    // Summed over the examples: a per-example loss's gradient is that of their sum.
    const at = (row: number, col: number, delta: number): number => {
      const shifted = values.map((r, i) => r.map((v, j) => (i === row && j === col ? v + delta : v)));
      const value = tf.tidy(() => loss(tf.tensor2d(shifted)));
      const total = Array.from(value.dataSync() as Float32Array).reduce((a, b) => a + b, 0);
      value.dispose();
      return total;
    };
    for (const [row, col] of [
      [0, 1],
      [1, 2],
      [2, 3],
    ] as const) {
      expect(gradient[row]![col]!).toBeCloseTo((at(row, col, h) - at(row, col, -h)) / (2 * h), 3);
    }
  });

  it('says which gradient is missing for a loss that needs the registered ones', () => {
    expect(() => tf.grad((z: tf.Tensor) => focalLoss(labels, z))(logits)).toThrow(/gradient function not found/);
  });
});
