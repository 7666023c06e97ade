import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainableVariables } from './variables.js';
import { vgg5 } from './vgg5.js';

describe('trainableVariables', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the variables behind the trainable weights, so that updating one updates the model', () => {
    const model = vgg5({ widthMultiplier: 0.125, seed: 1 });
    const variables = trainableVariables(model);
    expect(variables.map((v) => v.shape)).toEqual(model.trainableWeights.map((w) => w.shape));
    expect(variables.every((v) => v instanceof tf.Variable && v.trainable)).toBe(true);
    // No BatchNorm moving statistics: those are non-trainable weights.
    expect(variables).toHaveLength(model.weights.length - model.nonTrainableWeights.length);
    const first = variables[0]!;
    first.assign(tf.fill(first.shape, 0.5));
    expect(Array.from(model.trainableWeights[0]!.read().dataSync()).every((v) => v === 0.5)).toBe(true);
    model.dispose();
  });
});
