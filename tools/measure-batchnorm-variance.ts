/**
 * How much tfjs' BatchNorm running variance (biased batch variance) against PyTorch's (unbiased) moves a trained
 * model's test predictions: each moving variance is scaled by n/(n − 1), n the values per channel in a batch of the
 * run's batch size (batch × height × width), which is what PyTorch's update adds for full batches. Prints JSON.
 *
 *     npx tsx --conditions=@mixent/source tools/measure-batchnorm-variance.ts <run-folder>...
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadLetters } from '@mixent/data';
import { loadModel } from '@mixent/models';
import { evaluate, selectBackend } from '@mixent/training';

/** Scales every BatchNorm layer's moving variance by n/(n − 1) for batches of `batchSize`. */
function toUnbiasedRunningVariance(model: tfl.LayersModel, batchSize: number): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    // NHWC or NC: every axis but the first and the last is a spatial one.
    const spatial = (layer.input as tfl.SymbolicTensor).shape.slice(1, -1) as number[];
    const perChannel = batchSize * spatial.reduce((a, b) => a * b, 1);
    const variance = layer.weights.find((w) => w.originalName.endsWith('moving_variance'));
    if (!variance) throw new Error(`${layer.name}: no moving variance`);
    const scaled = tf.tidy(() => tf.mul(variance.read(), perChannel / (perChannel - 1)));
    variance.write(scaled);
    scaled.dispose();
  }
}

await selectBackend(process.env.MIXENT_BACKEND ?? 'wasm');
const test = await loadLetters('sample', 'test');
const results = [];
for (const run of process.argv.slice(2)) {
  const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as { batchSize: number };
  const model = await loadModel(join(run, 'model'));
  const before = await evaluate(model, test, 1000);
  toUnbiasedRunningVariance(model, config.batchSize);
  const after = await evaluate(model, test, 1000);
  model.dispose();
  const changed = before.predictions.reduce((n, p, i) => n + (p === after.predictions[i] ? 0 : 1), 0);
  results.push({ run, accuracy: before.accuracy, unbiasedAccuracy: after.accuracy, changedPredictions: changed, count: test.count });
}
console.log(JSON.stringify(results, null, 2));
