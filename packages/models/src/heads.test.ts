import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { pseudoRandom, setWeight, weightOf } from './__fixtures__/helpers.js';
import { BN_EPSILON } from './blocks.js';
import { spinalVgg } from './spinal-vgg.js';
import { vgg5 } from './vgg5.js';

// Width 0.125: 32 features, halves of 16, Spinal layers of 16 units, VGG hidden layer of 64.
const WIDTH = 0.125;
const N = 4;

type Vec = number[];

/** The model's features (flatten output) for x, row by row. */
function features(model: tfl.LayersModel, x: tf.Tensor): Vec[] {
  const extractor = tfl.model({ inputs: model.inputs, outputs: model.getLayer('flatten').output });
  return tf.tidy(() => (extractor.predict(x) as tf.Tensor).arraySync() as Vec[]);
}

/** Hand-written Linear → BatchNorm (inference) → ReLU, or only the Linear, from the model's own weights. */
function dense(model: tfl.LayersModel, name: string, x: Vec): Vec {
  const w = weightOf(model, `${name}/kernel`);
  const b = weightOf(model, `${name}/bias`);
  return Array.from(b, (bias, j) => x.reduce((s, xi, i) => s + xi * (w[i * b.length + j] ?? 0), bias));
}

function bnRelu(model: tfl.LayersModel, name: string, x: Vec): Vec {
  const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((p) => weightOf(model, `${name}/${p}`)) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  return x.map((v, c) =>
    Math.max(0, ((v - (mean[c] ?? 0)) / Math.sqrt((variance[c] ?? 0) + BN_EPSILON)) * (gamma[c] ?? 0) + (beta[c] ?? 0)),
  );
}

/** Gives every BatchNorm of the head non-trivial statistics, scale and offset, so the hand computation tests them. */
function randomizeHeadBatchNorms(model: tfl.LayersModel): void {
  model.layers
    .filter((l) => l.getClassName() === 'BatchNormalization' && !l.name.startsWith('block'))
    .forEach((l, k) => {
      const c = l.outputShape[1] as number;
      const around1 = (seed: number) => pseudoRandom(c, seed, 0.5).map((v) => 1 + v);
      setWeight(model, `${l.name}/gamma`, around1(100 + k));
      setWeight(model, `${l.name}/beta`, pseudoRandom(c, 200 + k, 0.3));
      setWeight(model, `${l.name}/moving_mean`, pseudoRandom(c, 300 + k, 0.3));
      setWeight(model, `${l.name}/moving_variance`, around1(400 + k));
    });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    expect(Math.abs((actual[i] ?? 0) - (expected[i] ?? 0))).toBeLessThan(1e-4 * (1 + Math.abs(expected[i] ?? 0)));
  }
}

describe('the heads, computed by hand from the features', () => {
  let x: tf.Tensor;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    x = tf.tensor(pseudoRandom(N * 28 * 28, 5), [N, 28, 28, 1]);
  });

  it('VGG head: Linear → BN → ReLU → Linear', () => {
    const model = vgg5({ widthMultiplier: WIDTH, numClasses: 26 });
    randomizeHeadBatchNorms(model);
    const expected = features(model, x).flatMap((f) => dense(model, 'logits', bnRelu(model, 'head_bn1', dense(model, 'head_fc1', f))));
    expectClose(
      tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()),
      expected,
    );
  });

  it('Spinal head: x1 = S1(f[0:16]), x2 = S2([f[16:32], x1]), x3 = S3([f[0:16], x2]), x4 = S4([f[16:32], x3]), out on [x1..x4]', () => {
    const model = spinalVgg({ widthMultiplier: WIDTH, numClasses: 26 });
    randomizeHeadBatchNorms(model);
    const s = (k: number, input: Vec) => bnRelu(model, `spinal_s${k}_bn`, dense(model, `spinal_s${k}_dense`, input));
    const expected = features(model, x).flatMap((f) => {
      const a = f.slice(0, 16);
      const b = f.slice(16, 32);
      const x1 = s(1, a);
      const x2 = s(2, [...b, ...x1]);
      const x3 = s(3, [...a, ...x2]);
      const x4 = s(4, [...b, ...x3]);
      return dense(model, 'logits', [...x1, ...x2, ...x3, ...x4]);
    });
    expectClose(
      tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()),
      expected,
    );
  });
});

describe('the Spinal split, end to end', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // f[c] depends only on channel c of block4_conv3 (BatchNorm, ReLU and pooling act per channel), so shifting the
  // bias of channels [0:16) moves only f[0:16]. Silencing the weights that read f[0:16] (all of S1, and the first
  // 16 input rows of S3) must then make the output blind to that shift, and to nothing else.
  it('reads f[0:16] only through S1 and the first inputs of S3, and f[16:32] elsewhere', () => {
    const model = spinalVgg({ widthMultiplier: WIDTH });
    const x = tf.tensor(pseudoRandom(N * 28 * 28, 9), [N, 28, 28, 1]);
    const predict = () => tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    const kernelS1 = weightOf(model, 'spinal_s1_dense/kernel');
    setWeight(model, 'spinal_s1_dense/kernel', new Float32Array(kernelS1.length));
    const kernelS3 = weightOf(model, 'spinal_s3_dense/kernel');
    const silenced = kernelS3.map((v, i) => (i < 16 * 16 ? 0 : v));
    setWeight(model, 'spinal_s3_dense/kernel', silenced);

    const bias = weightOf(model, 'block4_conv3/bias');
    const shiftA = bias.map((v, c) => (c < 16 ? v + 5 : v));
    const shiftB = bias.map((v, c) => (c >= 16 ? v + 5 : v));
    const base = predict();
    const before = features(model, x);
    setWeight(model, 'block4_conv3/bias', shiftA);
    const after = features(model, x);
    expect(after.map((f) => f.slice(0, 16))).not.toEqual(before.map((f) => f.slice(0, 16)));
    expect(after.map((f) => f.slice(16))).toEqual(before.map((f) => f.slice(16)));
    expect(predict()).toEqual(base);
    setWeight(model, 'block4_conv3/bias', shiftB);
    expect(predict()).not.toEqual(base);
    x.dispose();
  });
});
