import type * as tf from '@tensorflow/tfjs-core';

import {
  confidencePenalty,
  focalLoss,
  labelSmoothingCrossEntropy,
  poly1Loss,
  resolveConfidencePenaltyOptions,
  resolveFocalOptions,
  resolveLabelSmoothingOptions,
  resolvePoly1Options,
  resolveSymmetricOptions,
  symmetricCrossEntropy,
} from './comparison.js';
import type {
  ConfidencePenaltyOptions,
  FocalLossOptions,
  LabelSmoothingOptions,
  LogBaseOptions,
  LossFunction,
  PaperLossOptions,
  Poly1Options,
  SymmetricCrossEntropyOptions,
} from './options.js';
import {
  crossEntropy,
  minEntropyLoss,
  mixEntropyLoss,
  resolveLogBaseOptions,
  resolvePaperLossOptions,
  swappedCrossEntropy,
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
  /** Fills in defaults and throws on a bad option, before any training starts. */
  readonly resolve: (fnName: string, options?: O) => O;
}

const REGISTRY: { readonly [N in LossName]: RegistryEntry<LossOptionsByName[N]> } = Object.freeze({
  'cross-entropy': { loss: crossEntropy, resolve: (fn, o) => resolveLogBaseOptions(fn, o) },
  'min-ent': { loss: minEntropyLoss, resolve: (fn, o) => resolvePaperLossOptions(fn, o) },
  'mix-ent': { loss: mixEntropyLoss, resolve: (fn, o) => resolvePaperLossOptions(fn, o, true) },
  'swapped-cross-entropy': { loss: swappedCrossEntropy, resolve: (fn, o) => resolveLogBaseOptions(fn, o, true) },
  'symmetric-cross-entropy': { loss: symmetricCrossEntropy, resolve: resolveSymmetricOptions },
  'confidence-penalty': { loss: confidencePenalty, resolve: resolveConfidencePenaltyOptions },
  'label-smoothing': { loss: labelSmoothingCrossEntropy, resolve: resolveLabelSmoothingOptions },
  focal: { loss: focalLoss, resolve: resolveFocalOptions },
  poly1: { loss: poly1Loss, resolve: resolvePoly1Options },
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
  if (typeof name !== 'string' || !isLossName(name)) {
    throw new Error(`getLoss: unknown loss ${JSON.stringify(name)} (known: ${LOSS_NAMES.join(', ')})`);
  }
  const entry = REGISTRY[name] as RegistryEntry<LossOptionsByName[N]>;
  const resolved = Object.freeze(entry.resolve(`getLoss('${name}')`, options));
  return (labels, logits) => entry.loss(labels, logits, resolved);
}
