import type * as tf from '@tensorflow/tfjs-core';

import type { LossFunction } from './options.js';
import type { LossName, LossOptionsByName } from './registry.js';
import { getLoss } from './registry.js';

/** The loss signature of tfjs-layers (`LossOrMetricFn`), spelled here so this package need not depend on it. */
export type LayersLossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Adapts a loss of this package to `model.compile({ loss })` of tfjs-layers, by registry name
 * and options or from a loss function. tfjs-layers requires targets of the output's shape, so
 * `model.fit` must get one-hot labels [N, K]; a model that ends in softmax needs
 * `fromProbabilities: true`.
 *
 * @example model.compile({ optimizer: 'adam', loss: toLayersLoss('min-ent', MIN_ENT_PRESET) });
 */
export function toLayersLoss<N extends LossName>(name: N, options?: LossOptionsByName[N]): LayersLossFunction;
export function toLayersLoss(loss: LossFunction): LayersLossFunction;
export function toLayersLoss<N extends LossName>(
  nameOrLoss: N | LossFunction,
  options?: LossOptionsByName[N],
): LayersLossFunction {
  if (typeof nameOrLoss === 'function' && options !== undefined) {
    throw new Error('toLayersLoss: options go with a loss name; bind them into the function instead');
  }
  const loss = typeof nameOrLoss === 'function' ? nameOrLoss : getLoss(nameOrLoss, options);
  // tfjs-layers names a loss used as a metric after the function, so give it a readable one.
  const name = typeof nameOrLoss === 'function' ? nameOrLoss.name : nameOrLoss.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  const adapted: LayersLossFunction = (yTrue, yPred) => loss(yTrue, yPred);
  return Object.defineProperty(adapted, 'name', { value: name || 'loss' });
}
