import type * as tf from '@tensorflow/tfjs-core';

import {
  confidencePenalty,
  confidencePenaltyPerExample,
  focalLoss,
  focalLossPerExample,
  labelSmoothingCrossEntropy,
  labelSmoothingCrossEntropyPerExample,
  poly1Loss,
  poly1LossPerExample,
  resolveConfidencePenaltyOptions,
  resolveFocalOptions,
  resolveLabelSmoothingOptions,
  resolvePoly1Options,
  resolveSymmetricOptions,
  symmetricCrossEntropy,
  symmetricCrossEntropyPerExample,
} from './comparison.js';
import type {
  ConfidencePenaltyOptions,
  FocalLossOptions,
  LabelSmoothingOptions,
  LogBaseOptions,
  LossFunction,
  PaperLossOptions,
  PerExampleLossFunction,
  Poly1Options,
  SymmetricCrossEntropyOptions,
} from './options.js';
import {
  crossEntropy,
  crossEntropyPerExample,
  minEntropyLoss,
  minEntropyLossPerExample,
  mixEntropyLoss,
  mixEntropyLossPerExample,
  resolveLogBaseOptions,
  resolvePaperLossOptions,
  swappedCrossEntropy,
  swappedCrossEntropyPerExample,
} from './paper.js';

/** The options each registered loss takes, by registry name. */
export interface LossOptionsByName {
  'cross-entropy': LogBaseOptions;
  'min-ent': PaperLossOptions;
  'mix-ent': PaperLossOptions;
  'swapped-cross-entropy': LogBaseOptions;
  'symmetric-cross-entropy': SymmetricCrossEntropyOptions;
  'confidence-penalty': ConfidencePenaltyOptions;
  'label-smoothing': LabelSmoothingOptions;
  focal: FocalLossOptions;
  poly1: Poly1Options;
}

/** A name `getLoss` knows. */
export type LossName = keyof LossOptionsByName;

interface RegistryEntry<O> {
  readonly loss: (labels: tf.Tensor, logits: tf.Tensor, options?: O) => tf.Scalar;
  /** The same loss of each example, [N]: `loss` is its mean. */
  readonly perExample: (labels: tf.Tensor, logits: tf.Tensor, options?: O) => tf.Tensor1D;
  /** Fills in defaults and throws on a bad option, before any training starts. */
  readonly resolve: (fnName: string, options?: O) => O;
}

const REGISTRY: { readonly [N in LossName]: RegistryEntry<LossOptionsByName[N]> } = Object.freeze({
  'cross-entropy': { loss: crossEntropy, perExample: crossEntropyPerExample, resolve: (fn, o) => resolveLogBaseOptions(fn, o) },
  'min-ent': { loss: minEntropyLoss, perExample: minEntropyLossPerExample, resolve: (fn, o) => resolvePaperLossOptions(fn, o) },
  'mix-ent': { loss: mixEntropyLoss, perExample: mixEntropyLossPerExample, resolve: (fn, o) => resolvePaperLossOptions(fn, o, true) },
  'swapped-cross-entropy': {
    loss: swappedCrossEntropy,
    perExample: swappedCrossEntropyPerExample,
    resolve: (fn, o) => resolveLogBaseOptions(fn, o, true),
  },
  'symmetric-cross-entropy': { loss: symmetricCrossEntropy, perExample: symmetricCrossEntropyPerExample, resolve: resolveSymmetricOptions },
  'confidence-penalty': { loss: confidencePenalty, perExample: confidencePenaltyPerExample, resolve: resolveConfidencePenaltyOptions },
  'label-smoothing': {
    loss: labelSmoothingCrossEntropy,
    perExample: labelSmoothingCrossEntropyPerExample,
    resolve: resolveLabelSmoothingOptions,
  },
  focal: { loss: focalLoss, perExample: focalLossPerExample, resolve: resolveFocalOptions },
  poly1: { loss: poly1Loss, perExample: poly1LossPerExample, resolve: resolvePoly1Options },
});

/** Every name `getLoss` accepts, in a stable order. */
export const LOSS_NAMES: readonly LossName[] = Object.freeze(Object.keys(REGISTRY) as LossName[]);

/** Whether `name` is a registered loss name; narrows a string read from a config. */
export function isLossName(name: string): name is LossName {
  return Object.hasOwn(REGISTRY, name);
}

/**
 * Looks a loss up by name so configs can name it as data. The options are checked now (unknown
 * keys and bad values throw) and copied, so later edits of the config object change nothing.
 *
 * @param name one of `LOSS_NAMES`, e.g. `'min-ent'`.
 * @param options that loss's options, e.g. `MIN_ENT_PRESET`.
 * @returns `(labels, logits) => tf.Scalar`, the batch mean.
 */
export function getLoss<N extends LossName>(name: N, options?: LossOptionsByName[N]): LossFunction {
  const { entry, resolved } = lookUp('getLoss', name, options);
  return (labels, logits) => entry.loss(labels, logits, resolved);
}

/**
 * Like `getLoss`, but the loss of each example rather than their mean: for sample or class weights, per-example
 * analysis, or tfjs-layers (`toLayersLoss` uses it). Its mean is `getLoss`'s value, and so is its gradient's.
 *
 * @returns `(labels, logits) => tf.Tensor1D`, one loss per example, [N].
 */
export function getPerExampleLoss<N extends LossName>(name: N, options?: LossOptionsByName[N]): PerExampleLossFunction {
  const { entry, resolved } = lookUp('getPerExampleLoss', name, options);
  return (labels, logits) => entry.perExample(labels, logits, resolved);
}

/** The registry entry of `name` and its options, checked and frozen; errors name `caller`. */
function lookUp<N extends LossName>(
  caller: string,
  name: N,
  options: LossOptionsByName[N] | undefined,
): { entry: RegistryEntry<LossOptionsByName[N]>; resolved: LossOptionsByName[N] } {
  if (typeof name !== 'string' || !isLossName(name)) {
    throw new Error(`${caller}: unknown loss ${JSON.stringify(name)} (known: ${LOSS_NAMES.join(', ')})`);
  }
  const entry = REGISTRY[name] as RegistryEntry<LossOptionsByName[N]>;
  return { entry, resolved: Object.freeze(entry.resolve(`${caller}('${name}')`, options)) };
}
