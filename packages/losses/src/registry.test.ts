import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { confidencePenalty, focalLoss, labelSmoothingCrossEntropy, poly1Loss, symmetricCrossEntropy } from './comparison.js';
import { crossEntropy, minEntropyLoss, mixEntropyLoss, swappedCrossEntropy } from './paper.js';
import { MIN_ENT_PRESET, MIX_ENT_PRESET } from './presets.js';
import type { LossOptionsByName } from './registry.js';
import { LOSS_NAMES, getLoss, getPerExampleLoss, isLossName } from './registry.js';
import { useCpuBackend, valueOf } from './testing.test-util.js';

beforeAll(useCpuBackend);

describe('getLoss', () => {
  const labels = tf.tensor1d([0, 2, 1, 3], 'int32');
  const logits = tf.tensor2d([
    [1, 2, 0.5, -1],
    [0, 0, 3, 1],
    [2, -2, 0, 0],
    [0.1, 0.2, 0.3, 0.4],
  ]);

  const DIRECT: {
    [N in keyof LossOptionsByName]: [(y: tf.Tensor, z: tf.Tensor, o?: LossOptionsByName[N]) => tf.Scalar, LossOptionsByName[N]];
  } = {
    'cross-entropy': [crossEntropy, { base: 2 }],
    'min-ent': [minEntropyLoss, MIN_ENT_PRESET],
    'mix-ent': [mixEntropyLoss, MIX_ENT_PRESET],
    'swapped-cross-entropy': [swappedCrossEntropy, { eps: 1e-3 }],
    'symmetric-cross-entropy': [symmetricCrossEntropy, { alpha: 0.5 }],
    'confidence-penalty': [confidencePenalty, { beta: 0.2 }],
    'label-smoothing': [labelSmoothingCrossEntropy, { smoothing: 0.2 }],
    focal: [focalLoss, { gamma: 1 }],
    poly1: [poly1Loss, { epsilon: 1 }],
  };

  it('knows every loss, and each name gives the same value as the direct call, with and without options', () => {
    expect([...LOSS_NAMES].sort()).toEqual(Object.keys(DIRECT).sort());
    for (const name of LOSS_NAMES) {
      const [direct, options] = DIRECT[name] as [(y: tf.Tensor, z: tf.Tensor, o?: object) => tf.Scalar, object];
      expect(valueOf(getLoss(name, options)(labels, logits))).toBe(valueOf(direct(labels, logits, options)));
      expect(valueOf(getLoss(name)(labels, logits))).toBe(valueOf(direct(labels, logits)));
    }
  });

  it('rejects unknown names and options when the loss is looked up, before any training', () => {
    expect(() => getLoss('min_ent' as never)).toThrow(/getLoss: unknown loss "min_ent" \(known: cross-entropy, min-ent, mix-ent/);
    expect(() => getLoss('min-ent', { w3: 1 } as never)).toThrow("getLoss('min-ent'): unknown option 'w3'");
    expect(() => getLoss('mix-ent', { eps: 0 })).toThrow(/getLoss\('mix-ent'\): eps must be > 0/);
    expect(() => getLoss('focal', { gamma: -1 })).toThrow(/getLoss\('focal'\): gamma must be in/);
  });

  it('copies the options, so editing the config afterwards changes nothing', () => {
    const config = { ...MIN_ENT_PRESET };
    const loss = getLoss('min-ent', config);
    const before = valueOf(loss(labels, logits));
    config.w2 = 100;
    expect(valueOf(loss(labels, logits))).toBe(before);
  });

  it('gives each example the loss that example has alone, and their mean is the batch loss, gradient included', () => {
    for (const name of LOSS_NAMES) {
      const options = DIRECT[name][1] as never;
      const perExample = getPerExampleLoss(name, options);
      const batch = getLoss(name, options);
      const values = perExample(labels, logits);
      expect(values.shape, name).toEqual([4]);
      const each = Array.from(values.dataSync());
      each.forEach((v, n) => {
        const alone = tf.tidy(() => batch(tf.slice(labels, [n], [1]), tf.slice(logits, [n, 0], [1, 4])));
        expect(v, `${name}, example ${n}`).toBeCloseTo(valueOf(alone), 5);
      });
      expect(each.reduce((a, b) => a + b, 0) / 4, name).toBeCloseTo(valueOf(batch(labels, logits)), 5);
      const meanGradient = tf.grad((z: tf.Tensor) => tf.mean(perExample(labels, z)))(logits);
      const batchGradient = tf.grad((z: tf.Tensor) => batch(labels, z))(logits);
      expect(
        Array.from(meanGradient.dataSync())
          .map((g, i) => g - batchGradient.dataSync()[i]!)
          .every((d) => Math.abs(d) < 1e-7),
        name,
      ).toBe(true);
      tf.dispose([values, meanGradient, batchGradient]);
    }
    expect(() => getPerExampleLoss('nope' as never)).toThrow(/getPerExampleLoss: unknown loss "nope"/);
  });

  it('narrows names read from data', () => {
    expect(isLossName('poly1')).toBe(true);
    expect(isLossName('toString')).toBe(false);
    expect(isLossName('MIN-ENT')).toBe(false);
  });
});
