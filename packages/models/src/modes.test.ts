import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { pseudoRandom, weightOf } from './__fixtures__/helpers.js';
import { spinalVgg } from './spinal-vgg.js';
import { vgg5 } from './vgg5.js';

const N = 8;

function run(model: tfl.LayersModel, x: tf.Tensor, training: boolean): Float32Array {
  return tf.tidy(() => (model.apply(x, { training }) as tf.Tensor).dataSync() as Float32Array);
}

describe.each([
  ['vgg5', vgg5],
  ['spinal-vgg', spinalVgg],
] as const)('%s: training and inference modes', (_name, build) => {
  let x: tf.Tensor;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    x = tf.tensor(pseudoRandom(N * 28 * 28, 11), [N, 28, 28, 1]);
  });

  it('is deterministic at inference and leaves the BatchNorm statistics alone', () => {
    const model = build({ widthMultiplier: 0.125 });
    const before = weightOf(model, 'block1_bn1/moving_mean');
    const a = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    expect(run(model, x, false)).toEqual(a);
    expect(weightOf(model, 'block1_bn1/moving_mean')).toEqual(before);
  });

  it('drops units in training: two training passes differ with dropout 0.5, agree with dropout 0', () => {
    const noisy = build({ widthMultiplier: 0.125 });
    expect(run(noisy, x, true)).not.toEqual(run(noisy, x, true));
    const quiet = build({ widthMultiplier: 0.125, dropout: 0 });
    expect(run(quiet, x, true)).toEqual(run(quiet, x, true));
  });

  it('normalizes by batch statistics in training and by moving statistics at inference', () => {
    const model = build({ widthMultiplier: 0.125, dropout: 0 });
    expect(run(model, x, true)).not.toEqual(run(model, x, false));
  });

  it('updates moving statistics as PyTorch does with momentum 0.1: new = 0.9·old + 0.1·batch', () => {
    const model = build({ widthMultiplier: 0.125, dropout: 0 });
    const conv = tfl.model({ inputs: model.inputs, outputs: model.getLayer('block1_conv1').output });
    const { mean, variance } = tf.tidy(() => {
      const m = tf.moments(conv.predict(x) as tf.Tensor, [0, 1, 2]);
      return { mean: m.mean.dataSync(), variance: m.variance.dataSync() };
    });
    run(model, x, true);
    const movingMean = weightOf(model, 'block1_bn1/moving_mean');
    const movingVariance = weightOf(model, 'block1_bn1/moving_variance');
    mean.forEach((m, c) => expect(movingMean[c]).toBeCloseTo(0.1 * m, 6));
    // tfjs updates with the biased batch variance (PyTorch: unbiased; a factor 6272/6271 here).
    variance.forEach((v, c) => expect(movingVariance[c]).toBeCloseTo(0.9 + 0.1 * v, 5));
  });
});
