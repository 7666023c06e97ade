import type * as tf from '@tensorflow/tfjs-core';

import type { LossFunction, PerExampleLossFunction } from './options.js';
import type { LossName, LossOptionsByName } from './registry.js';
import { getPerExampleLoss } from './registry.js';

/** The loss signature of tfjs-layers (`LossOrMetricFn`), spelled here so this package need not depend on it. */
export type LayersLossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Adapts a loss of this package to `model.compile({ loss })` of tfjs-layers, by registry name
 * and options or from a loss function. tfjs-layers requires targets of the output's shape, so
 * `model.fit` must get one-hot labels [N, K]; a model that ends in softmax needs
 * `fromProbabilities: true`. By name, the adapter hands tfjs-layers one loss per example, so
 * `classWeight` and `sampleWeight` of `model.fit` weight examples as they do for tfjs' own losses.
 *
 * @example model.compile({ optimizer: 'adam', loss: toLayersLoss('min-ent', MIN_ENT_PRESET) });
 */
export function toLayersLoss<N extends LossName>(name: N, options?: LossOptionsByName[N]): LayersLossFunction;
/**
 * Adapts a loss function `(labels, logits) => loss` to tfjs-layers. A function that returns the batch mean (as
 * every loss of this package does) cannot be weighted per example: with `classWeight` or `sampleWeight`,
 * tfjs-layers would scale the mean by the mean weight. Return one loss per example ([N]) to be weighted, or
 * adapt a registry name.
 */
export function toLayersLoss(loss: LossFunction | PerExampleLossFunction): LayersLossFunction;
export function toLayersLoss<N extends LossName>(
  nameOrLoss: N | LossFunction | PerExampleLossFunction,
  options?: LossOptionsByName[N],
): LayersLossFunction {
  if (typeof nameOrLoss === 'function' && options !== undefined) {
    throw new Error('toLayersLoss: options go with a loss name; bind them into the function instead');
  }
  const loss = typeof nameOrLoss === 'function' ? nameOrLoss : getPerExampleLoss(nameOrLoss, options);
  // tfjs-layers names a loss used as a metric after the function, so give it a readable one.
  const name = typeof nameOrLoss === 'function' ? nameOrLoss.name : nameOrLoss.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  const adapted: LayersLossFunction = (yTrue, yPred) => loss(yTrue, yPred);
  return Object.defineProperty(adapted, 'name', { value: name || 'loss' });
}
