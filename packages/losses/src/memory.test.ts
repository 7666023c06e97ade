import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { entropy } from './paper.js';
import { MIN_ENT_PRESET, MIX_ENT_PRESET } from './presets.js';
import { LOSS_NAMES, getLoss } from './registry.js';
import { useCpuBackend } from './testing.test-util.js';

beforeAll(useCpuBackend);

describe('tensor memory', () => {
  const labels = tf.tensor1d([0, 3, 1, 2, 2, 0, 1, 3], 'int32');
  const oneHot = tf.oneHot(labels, 4, 1, 0, 'float32');
  const logits = tf.randomNormal([8, 4], 0, 2, 'float32', 3);
  const probabilities = tf.softmax(logits);
  const losses: { loss: (y: tf.Tensor, z: tf.Tensor) => tf.Scalar; input: tf.Tensor }[] = [
    ...LOSS_NAMES.map((name) => ({ loss: getLoss(name), input: logits })),
    ...LOSS_NAMES.map((name) => ({ loss: getLoss(name, { fromProbabilities: true }), input: probabilities })),
    { loss: getLoss('min-ent', MIN_ENT_PRESET), input: logits },
    { loss: getLoss('mix-ent', MIX_ENT_PRESET), input: logits },
    { loss: (_y: tf.Tensor, z: tf.Tensor) => entropy(z), input: logits },
  ];

  it('1,000 calls of every loss inside tf.tidy keep tf.memory().numTensors flat', () => {
    for (const { loss, input } of losses) {
      const before = tf.memory().numTensors;
      for (let i = 0; i < 1000; i++) {
        tf.tidy(() => {
          loss(i % 2 === 0 ? labels : oneHot, input);
        });
      }
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('calls outside tf.tidy leave only the returned scalar, and gradients leave only the gradient', () => {
    for (const { loss, input } of losses) {
      const before = tf.memory().numTensors;
      const value = loss(labels, input);
      expect(tf.memory().numTensors).toBe(before + 1);
      value.dispose();
      const gradient = tf.grad((z: tf.Tensor) => loss(oneHot, z))(input);
      expect(tf.memory().numTensors).toBe(before + 1);
      gradient.dispose();
      for (let i = 0; i < 100; i++) {
        tf.tidy(() => {
          tf.valueAndGrad((z: tf.Tensor) => loss(labels, z))(input);
        });
      }
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
