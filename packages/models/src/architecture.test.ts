import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParams } from './__fixtures__/helpers.js';
import { FeatureSlice } from './layers.js';
import { spinalVgg } from './spinal-vgg.js';
import { vgg5 } from './vgg5.js';

type Row = [name: string, outputShape: (number | null)[], params: number];

/** The shared feature extractor at full width: the reference's layer list, with PyTorch's parameter counts. */
const FEATURES: Row[] = [
  ['image', [null, 28, 28, 1], 0],
  ...block(1, 28, 1, [64, 64]),
  ['block1_pool', [null, 14, 14, 64], 0],
  ...block(2, 14, 64, [128, 128]),
  ['block2_pool', [null, 7, 7, 128], 0],
  ...block(3, 7, 128, [256, 256, 256]),
  ['block3_pool', [null, 3, 3, 256], 0],
  ...block(4, 3, 256, [256, 256, 256]),
  ['block4_pool', [null, 1, 1, 256], 0],
  ['flatten', [null, 256], 0],
];

function block(b: number, size: number, inChannels: number, widths: number[]): Row[] {
  let c = inChannels;
  return widths.flatMap((w, i) => {
    const rows: Row[] = [
      [`block${b}_conv${i + 1}`, [null, size, size, w], 9 * c * w + w],
      [`block${b}_bn${i + 1}`, [null, size, size, w], 4 * w],
      [`block${b}_relu${i + 1}`, [null, size, size, w], 0],
    ];
    c = w;
    return rows;
  });
}

const VGG_HEAD: Row[] = [
  ['head_dropout1', [null, 256], 0],
  ['head_fc1', [null, 512], 256 * 512 + 512],
  ['head_bn1', [null, 512], 4 * 512],
  ['head_relu1', [null, 512], 0],
  ['head_dropout2', [null, 512], 0],
  ['logits', [null, 62], 512 * 62 + 62],
];

function spinalLayer(k: number, inputs: number): Row[] {
  return [
    [`spinal_s${k}_dropout`, [null, inputs], 0],
    [`spinal_s${k}_dense`, [null, 128], inputs * 128 + 128],
    [`spinal_s${k}_bn`, [null, 128], 4 * 128],
    [`spinal_s${k}_relu`, [null, 128], 0],
  ];
}

const SPINAL_HEAD: Row[] = [
  ['spinal_half_a', [null, 128], 0],
  ...spinalLayer(1, 128),
  ['spinal_half_b', [null, 128], 0],
  ['spinal_s2_input', [null, 256], 0],
  ...spinalLayer(2, 256),
  ['spinal_s3_input', [null, 256], 0],
  ...spinalLayer(3, 256),
  ['spinal_s4_input', [null, 256], 0],
  ...spinalLayer(4, 256),
  ['spinal_concat', [null, 512], 0],
  ['head_dropout', [null, 512], 0],
  ['logits', [null, 62], 512 * 62 + 62],
];

function rows(model: tfl.LayersModel): Row[] {
  return model.layers.map((l) => [l.name, l.outputShape as (number | null)[], l.countParams()]);
}

function inboundNames(model: tfl.LayersModel, name: string): string[] {
  return model.getLayer(name).inboundNodes[0]?.inboundLayers.map((l) => l.name) ?? [];
}

describe.each([
  ['vgg5', vgg5, 3_672_830, [...FEATURES, ...VGG_HEAD]],
  ['spinal-vgg', spinalVgg, 3_656_446, [...FEATURES, ...SPINAL_HEAD]],
] as const)('%s at full width, 62 classes', (name, build, trainable, expected) => {
  let model: tfl.LayersModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = build();
  });

  it('has the reference parameter counts', () => {
    expect(countParams(model.trainableWeights)).toBe(trainable);
    expect(countParams(model.nonTrainableWeights)).toBe(4_864);
    expect(model.countParams()).toBe(trainable + 4_864);
    expect(model.nonTrainableWeights.every((w) => /\/moving_(mean|variance)$/.test(w.originalName))).toBe(true);
  });

  it('has the reference layers, in order, with their output shapes and parameter counts', () => {
    expect(rows(model)).toEqual(expected);
    expect(model.name).toBe(`${name}-w1`);
    expect(model.inputs[0]?.shape).toEqual([null, 28, 28, 1]);
    expect(model.inputs[0]?.dtype).toBe('float32');
  });

  it('maps PyTorch BatchNorm (momentum 0.1, eps 1e-5) to Keras momentum 0.9, epsilon 1e-5, on every BatchNorm', () => {
    const bns = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(bns).toHaveLength(name === 'vgg5' ? 11 : 14);
    for (const bn of bns) {
      expect(bn.getConfig()).toMatchObject({ momentum: 0.9, epsilon: 1e-5, axis: -1, center: true, scale: true });
    }
  });

  it('follows every convolution and every hidden dense layer by BatchNorm then ReLU', () => {
    const layers = model.layers;
    layers.forEach((l, i) => {
      const isHidden = l.getClassName() === 'Conv2D' || (l.getClassName() === 'Dense' && l.name !== 'logits');
      if (!isHidden) return;
      expect(layers[i + 1]?.getClassName()).toBe('BatchNormalization');
      expect(layers[i + 2]?.getConfig()).toMatchObject({ activation: 'relu' });
      expect(l.getConfig()).toMatchObject({ activation: 'linear', useBias: true });
    });
  });

  it('uses 3×3 stride-1 same convolutions with bias and 2×2 max pooling', () => {
    for (const l of model.layers.filter((x) => x.getClassName() === 'Conv2D')) {
      expect(l.getConfig()).toMatchObject({
        kernelSize: [3, 3],
        strides: [1, 1],
        padding: 'same',
        dilationRate: [1, 1],
        useBias: true,
        dataFormat: 'channelsLast',
      });
    }
    for (const l of model.layers.filter((x) => x.getClassName() === 'MaxPooling2D')) {
      expect(l.getConfig()).toMatchObject({ poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
    }
  });

  it('uses dropout 0.5 and outputs logits (no softmax)', () => {
    const dropouts = model.layers.filter((l) => l.getClassName() === 'Dropout');
    expect(dropouts).toHaveLength(name === 'vgg5' ? 2 : 5);
    for (const d of dropouts) expect(d.getConfig()).toMatchObject({ rate: 0.5 });
    expect(model.getLayer('logits').getConfig()).toMatchObject({ activation: 'linear', units: 62 });
  });
});

describe('the Spinal head wiring', () => {
  let model: tfl.LayersModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = spinalVgg();
  });

  it('splits the 256 features into [0:128] and [128:256]', () => {
    expect(model.getLayer('spinal_half_a')).toBeInstanceOf(FeatureSlice);
    expect(model.getLayer('spinal_half_a').getConfig()).toMatchObject({ begin: 0, size: 128 });
    expect(model.getLayer('spinal_half_b').getConfig()).toMatchObject({ begin: 128, size: 128 });
    expect(inboundNames(model, 'spinal_half_a')).toEqual(['flatten']);
    expect(inboundNames(model, 'spinal_half_b')).toEqual(['flatten']);
  });

  it('feeds S1 f[0:128], S2 [f[128:256], x1], S3 [f[0:128], x2], S4 [f[128:256], x3], the output [x1, x2, x3, x4]', () => {
    expect(inboundNames(model, 'spinal_s1_dropout')).toEqual(['spinal_half_a']);
    expect(inboundNames(model, 'spinal_s2_input')).toEqual(['spinal_half_b', 'spinal_s1_relu']);
    expect(inboundNames(model, 'spinal_s3_input')).toEqual(['spinal_half_a', 'spinal_s2_relu']);
    expect(inboundNames(model, 'spinal_s4_input')).toEqual(['spinal_half_b', 'spinal_s3_relu']);
    expect(inboundNames(model, 'spinal_concat')).toEqual(['spinal_s1_relu', 'spinal_s2_relu', 'spinal_s3_relu', 'spinal_s4_relu']);
    expect(inboundNames(model, 'head_dropout')).toEqual(['spinal_concat']);
  });
});

describe('options that change the architecture', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('outputs 26 logits when asked', () => {
    for (const build of [vgg5, spinalVgg]) {
      const model = build({ numClasses: 26 });
      expect(model.outputs[0]?.shape).toEqual([null, 26]);
      expect(model.getLayer('logits').countParams()).toBe(512 * 26 + 26);
    }
  });

  it('scales every width with widthMultiplier and names the model after it', () => {
    const v = vgg5({ widthMultiplier: 0.125 });
    expect(v.name).toBe('vgg5-w0.125');
    expect(v.getLayer('block1_conv1').outputShape).toEqual([null, 28, 28, 8]);
    expect(v.getLayer('block3_conv3').outputShape).toEqual([null, 7, 7, 32]);
    expect(v.getLayer('flatten').outputShape).toEqual([null, 32]);
    expect(v.getLayer('head_fc1').outputShape).toEqual([null, 64]);
    expect(v.getLayer('logits').outputShape).toEqual([null, 62]);
    const s = spinalVgg({ widthMultiplier: 0.125 });
    expect(s.name).toBe('spinal-vgg-w0.125');
    expect(s.getLayer('spinal_half_b').getConfig()).toMatchObject({ begin: 16, size: 16 });
    expect(s.getLayer('spinal_s2_dense').outputShape).toEqual([null, 16]);
    expect(s.getLayer('spinal_concat').outputShape).toEqual([null, 64]);
  });

  it('builds an [N, 28, 28, 1] → [N, C] float32 function', () => {
    const model = spinalVgg({ widthMultiplier: 0.125 });
    const y = tf.tidy(() => model.predict(tf.zeros([3, 28, 28, 1])) as tf.Tensor);
    expect(y.shape).toEqual([3, 62]);
    expect(y.dtype).toBe('float32');
    y.dispose();
  });
});
