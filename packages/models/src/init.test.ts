import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbs, meanStd, weightOf, weightValues } from './__fixtures__/helpers.js';
import { convKernelStd, deriveSeed, fanInBound } from './init.js';
import { spinalVgg } from './spinal-vgg.js';
import { vgg5 } from './vgg5.js';

describe('reference initialization (full-width VGG-5)', () => {
  let model: tfl.LayersModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = vgg5({ seed: 1 });
  });

  it.each([
    ['block1_conv1', 1, 64],
    ['block2_conv1', 64, 128],
    ['block3_conv2', 256, 256],
    ['block4_conv3', 256, 256],
  ])('draws %s kernels from plain N(0, sqrt(2/(9·out))), not He and not truncated', (name, inC, outC) => {
    const w = weightOf(model, `${name}/kernel`);
    expect(w.length).toBe(9 * inC * outC);
    const std = convKernelStd(outC);
    expect(std).toBeCloseTo(Math.sqrt(2 / (9 * outC)), 12);
    const stats = meanStd(w);
    // 576 samples for block1_conv1 (std error of the std ~3%), ~590k for the big ones (~0.1%).
    const tolerance = w.length < 1000 ? 0.12 : 0.01;
    expect(Math.abs(stats.std / std - 1)).toBeLessThan(tolerance);
    expect(Math.abs(stats.mean)).toBeLessThan((4 * std) / Math.sqrt(w.length));
    // He normal would have std sqrt(2/(9·in)); tfjs' truncated normal never exceeds 2 std.
    if (w.length > 1000) expect(maxAbs(w)).toBeGreaterThan(3 * std);
  });

  it.each([
    ['block1_conv1', 9 * 1],
    ['block2_conv1', 9 * 64],
    ['block4_conv3', 9 * 256],
  ])('draws %s biases from U(±1/sqrt(9·in_channels))', (name, fanIn) => {
    const b = weightOf(model, `${name}/bias`);
    const bound = fanInBound(fanIn);
    expect(maxAbs(b)).toBeLessThanOrEqual(bound);
    expect(maxAbs(b)).toBeGreaterThan(0.8 * bound);
    expect(Math.abs(meanStd(b).std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.25);
  });

  it.each([
    ['head_fc1', 256],
    ['logits', 512],
  ])('draws %s weights and biases from U(±1/sqrt(fan_in))', (name, fanIn) => {
    const bound = fanInBound(fanIn);
    const w = weightOf(model, `${name}/kernel`);
    expect(maxAbs(w)).toBeLessThanOrEqual(bound);
    expect(Math.abs(meanStd(w).std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    const b = weightOf(model, `${name}/bias`);
    expect(maxAbs(b)).toBeLessThanOrEqual(bound);
    expect(maxAbs(b)).toBeGreaterThan(0.8 * bound);
  });

  it('starts every BatchNorm at scale 1, offset 0, moving mean 0 and moving variance 1', () => {
    for (const [name, values] of weightValues(model)) {
      const expected = { gamma: 1, beta: 0, moving_mean: 0, moving_variance: 1 }[name.split('/')[1] ?? ''];
      if (expected !== undefined) expect(values.every((v) => v === expected)).toBe(true);
    }
  });
});

describe('seeding', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives identical weights for the same seed and different ones for another seed', () => {
    for (const build of [vgg5, spinalVgg]) {
      const a = weightValues(build({ seed: 42, widthMultiplier: 0.25 }));
      const b = weightValues(build({ seed: 42, widthMultiplier: 0.25 }));
      const c = weightValues(build({ seed: 43, widthMultiplier: 0.25 }));
      for (const [name, values] of a) {
        expect(b.get(name), name).toEqual(values);
        if (/\/(kernel|bias)$/.test(name)) expect(c.get(name), name).not.toEqual(values);
      }
    }
  });

  it('draws each weight from its own stream', () => {
    const model = vgg5({ seed: 5, widthMultiplier: 0.25 });
    expect(weightOf(model, 'block3_conv2/kernel')).not.toEqual(weightOf(model, 'block3_conv3/kernel'));
    expect(deriveSeed(5, 'block3_conv2/kernel')).not.toBe(deriveSeed(5, 'block3_conv3/kernel'));
    expect(deriveSeed(5, 'a')).not.toBe(deriveSeed(5 + 2 ** 32, 'a'));
    expect(deriveSeed(5, 'a')).toBe(deriveSeed(5, 'a'));
  });

  it('shares the feature extractor weights between VGG-5 and Spinal-VGG of one seed', () => {
    const v = vgg5({ seed: 9, widthMultiplier: 0.25 });
    const s = spinalVgg({ seed: 9, widthMultiplier: 0.25 });
    expect(weightOf(v, 'block2_conv1/kernel')).toEqual(weightOf(s, 'block2_conv1/kernel'));
  });
});
