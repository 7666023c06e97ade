// The public surface of @mixent/losses. Every loss takes (labels, logits, options?) and returns
// the mean over the batch as a tf.Scalar (getPerExampleLoss gives one loss per example); see README.md for the
// formulas.

// The paper's losses and their building blocks
export { crossEntropy, entropy, minEntropyLoss, mixEntropyLoss, swappedCrossEntropy } from './paper.js';

// The published settings and defaults
export { DEFAULT_EPS, MIN_ENT_PRESET, MIX_ENT_PRESET, PAPER_DEFAULTS } from './presets.js';
export type { PaperSettings } from './presets.js';

// The losses the paper's are compared with
export { confidencePenalty, focalLoss, labelSmoothingCrossEntropy, poly1Loss, symmetricCrossEntropy } from './comparison.js';

// Options and shared types
export { PROBABILITY_FLOOR } from './core.js';
export type {
  ConfidencePenaltyOptions,
  FocalLossOptions,
  LabelSmoothingOptions,
  LogBaseOptions,
  LossFunction,
  LossWeight,
  PaperLossOptions,
  PerExampleLossFunction,
  Poly1Options,
  PredictionOptions,
  SymmetricCrossEntropyOptions,
} from './options.js';

// Losses named as data
export { LOSS_NAMES, getLoss, getPerExampleLoss, isLossName } from './registry.js';
export type { LossName, LossOptionsByName } from './registry.js';

// Learnable loss weights
export { createLearnableWeights } from './learnable.js';
export type { LearnableWeights, LearnableWeightsOptions } from './learnable.js';

// tfjs-layers model.compile adapter
export { toLayersLoss } from './layers.js';
export type { LayersLossFunction } from './layers.js';
