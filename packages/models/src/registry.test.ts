import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { getModel, isModelName, MODEL_NAMES } from './registry.js';

describe('getModel', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('builds each registered model by its config name', () => {
    expect(MODEL_NAMES).toEqual(['vgg5', 'spinal-vgg']);
    expect(getModel('vgg5', { widthMultiplier: 0.125 }).name).toBe('vgg5-w0.125');
    expect(getModel('spinal-vgg', { widthMultiplier: 0.125 }).name).toBe('spinal-vgg-w0.125');
  });

  it('passes the options on', () => {
    const model = getModel('spinal-vgg', { widthMultiplier: 0.125, numClasses: 26 });
    expect(model.outputs[0]?.shape).toEqual([null, 26]);
    expect(() => getModel('vgg5', { dropout: 1 })).toThrow('dropout');
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(isModelName('vgg16')).toBe(false);
    expect(isModelName('toString')).toBe(false);
    expect(() => getModel('vgg16')).toThrow("Unknown model 'vgg16': known models are 'vgg5', 'spinal-vgg'");
  });
});
