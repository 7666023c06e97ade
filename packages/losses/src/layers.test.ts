import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { type LayersLossFunction, toLayersLoss } from './layers.js';
import { minEntropyLoss } from './paper.js';
import { MIN_ENT_PRESET, MIX_ENT_PRESET } from './presets.js';
import type { LossName } from './registry.js';
import { useCpuBackend } from './testing.test-util.js';

beforeAll(useCpuBackend);

/** 200 points in 6 dimensions with 4 classes set by a random linear teacher, labels one-hot. */
function data(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([200, 6], 0, 1, 'float32', 41) as tf.Tensor2D;
    const classes = tf.argMax(tf.matMul(x, tf.randomNormal([6, 4], 0, 1, 'float32', 42)), 1);
    return { x, y: tf.oneHot(classes, 4, 1, 0, 'float32') as tf.Tensor2D };
  });
}

function tinyModel(activation: 'linear' | 'softmax'): tfl.Sequential {
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [6], kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
  );
  model.add(tfl.layers.dense({ units: 4, activation, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  return model;
}

async function fitLosses(model: tfl.Sequential, x: tf.Tensor, y: tf.Tensor): Promise<number[]> {
  const history = await model.fit(x, y, { epochs: 15, batchSize: 50, shuffle: false, verbose: 0 });
  return history.history.loss as number[];
}

describe('toLayersLoss', () => {
  it.each([
    ['cross-entropy', {}],
    ['min-ent', MIN_ENT_PRESET],
    ['mix-ent', MIX_ENT_PRESET],
    ['focal', {}],
  ] as [LossName, object][])('model.compile + model.fit reduce %s on a tiny model', async (name, options) => {
    const { x, y } = data();
    const model = tinyModel('linear');
    model.compile({ optimizer: tf.train.adam(0.05), loss: toLayersLoss(name, options) });
    const losses = await fitLosses(model, x, y);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(0.7 * losses[0]!);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('works with a model that ends in softmax through fromProbabilities', async () => {
    const { x, y } = data();
    const model = tinyModel('softmax');
    model.compile({ optimizer: tf.train.adam(0.05), loss: toLayersLoss('min-ent', { ...MIN_ENT_PRESET, fromProbabilities: true }) });
    const losses = await fitLosses(model, x, y);
    expect(losses[losses.length - 1]!).toBeLessThan(0.7 * losses[0]!);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('adapts a loss function and gives the metric a readable name', async () => {
    const { x, y } = data();
    const model = tinyModel('linear');
    const loss = toLayersLoss((labels, logits) => minEntropyLoss(labels, logits, MIN_ENT_PRESET));
    model.compile({ optimizer: tf.train.adam(0.05), loss, metrics: [toLayersLoss('mix-ent')] });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 50, verbose: 0 });
    expect(Object.keys(history.history)).toContain('mixEnt');
    const evaluated = model.evaluate(x, y) as tf.Scalar[];
    expect(evaluated.every((t) => Number.isFinite(t.dataSync()[0]))).toBe(true);
    tf.dispose([...evaluated, x, y]);
    model.dispose();
  });

  it('weights examples by classWeight exactly as tfjs-layers weights its own cross entropy', async () => {
    const { x, y } = data();
    // Learning rate 0: both fits see the same predictions, so the reported losses compare the weighting alone.
    const fitWith = async (loss: string | LayersLossFunction) => {
      const model = tinyModel('softmax');
      model.compile({ optimizer: tf.train.sgd(0), loss });
      const history = await model.fit(x, y, { epochs: 1, batchSize: 200, verbose: 0, classWeight: { 0: 10, 1: 0, 2: 1, 3: 2 } });
      model.dispose();
      return (history.history.loss as number[])[0]!;
    };
    const ours = await fitWith(toLayersLoss('cross-entropy', { eps: 0, fromProbabilities: true }));
    const theirs = await fitWith('categoricalCrossentropy');
    expect(ours).toBeCloseTo(theirs, 5);
    tf.dispose([x, y]);
  });

  it('refuses options next to a function, where they would be ignored', () => {
    expect(() => toLayersLoss(minEntropyLoss as never, { w1: 2 } as never)).toThrow('toLayersLoss: options go with a loss name');
  });
});
