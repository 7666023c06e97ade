import * as tf from '@tensorflow/tfjs-core';

import { Hypothesis, Targets, checkInputs, checkPredictions } from './core.js';
import type { LogBaseOptions, LossWeight, PaperLossOptions } from './options.js';
import { checkBase, checkBoolean, checkEps, checkWeight, resolveOptions } from './options.js';
import { paperLossFromLogits, type PaperTerms, type Reduced, type Reduction } from './paper-kernel.js';
import { DEFAULT_EPS, PAPER_DEFAULTS } from './presets.js';

/** One weighted term of a paper loss: w · (natural-log term) / ln b. */
interface WeightedTerm {
  readonly weight: LossWeight;
  readonly base: number;
}

/** A paper loss as terms: an optional cross entropy and an optional regularizer. */
interface PaperLossSpec {
  readonly crossEntropy?: WeightedTerm;
  readonly regularizer?: WeightedTerm & { readonly kind: 'entropy' | 'swapped' };
  readonly eps: number;
  readonly fromProbabilities: boolean;
}

/** w / ln b, folded into one number unless the weight is a tensor. */
function coefficient({ weight, base }: WeightedTerm): number | tf.Scalar {
  return typeof weight === 'number' ? weight / Math.log(base) : tf.mul<tf.Scalar>(weight, 1 / Math.log(base));
}

/**
 * Evaluates a paper loss on checked inputs. From logits it runs `paperLossFromLogits` (precise
 * logs, closed-form gradient). From probabilities it takes the formulas literally, log(p + eps)
 * of the given p (ln max(p, PROBABILITY_FLOOR) when eps = 0), differentiated by tfjs.
 */
function evaluate<R extends Reduction>(
  labels: tf.Tensor | undefined,
  predictions: tf.Tensor2D,
  spec: PaperLossSpec,
  reduction: R,
): Reduced<R> {
  const { crossEntropy: ce, regularizer, eps } = spec;
  return tf.tidy(() => {
    const targets = labels === undefined ? undefined : new Targets(labels, predictions.shape[1]);
    if (!spec.fromProbabilities) {
      return paperLossFromLogits(
        predictions,
        {
          crossEntropy: ce && targets ? { coefficient: coefficient(ce), labels: targets.dense() } : undefined,
          regularizer: regularizer && paperRegularizer(regularizer, targets, eps),
          eps,
        },
        reduction,
      );
    }
    const hypothesis = new Hypothesis(predictions, true);
    const logPlus = eps === 0 ? hypothesis.logProbs() : tf.log(tf.add(hypothesis.probs(), eps));
    const weightedTerm = (term: WeightedTerm, a: tf.Tensor, b: tf.Tensor): tf.Tensor1D =>
      tf.mul<tf.Tensor1D>(tf.neg(tf.sum(tf.mul(a, b), 1)), coefficient(term));
    const parts: tf.Tensor1D[] = [];
    if (ce && targets) parts.push(weightedTerm(ce, targets.dense(), logPlus));
    if (regularizer?.kind === 'entropy') parts.push(weightedTerm(regularizer, hypothesis.probs(), logPlus));
    if (regularizer?.kind === 'swapped' && targets) parts.push(weightedTerm(regularizer, hypothesis.probs(), targets.logPlus(eps)));
    const perExample = tf.addN(parts);
    return (reduction === 'mean' ? tf.mean(perExample) : perExample) as Reduced<R>;
  });
}

/** The regularizer term of `paperLossFromLogits`; the swapped one needs the labels. */
function paperRegularizer(
  regularizer: NonNullable<PaperLossSpec['regularizer']>,
  targets: Targets | undefined,
  eps: number,
): PaperTerms['regularizer'] {
  if (regularizer.kind === 'entropy') return { kind: 'entropy', coefficient: coefficient(regularizer) };
  if (targets === undefined) throw new Error('the swapped cross entropy needs labels');
  return { kind: 'swapped', coefficient: coefficient(regularizer), logLabelsPlusEps: targets.logPlus(eps) };
}

const LOG_BASE_DEFAULTS: Required<LogBaseOptions> = Object.freeze({ base: Math.E, eps: DEFAULT_EPS, fromProbabilities: false });

const PAPER_LOSS_DEFAULTS: Required<PaperLossOptions> = Object.freeze({ ...PAPER_DEFAULTS, fromProbabilities: false });

/** Fills in and checks the options of a single-term loss; `positiveEps` for the swapped term. */
export function resolveLogBaseOptions(fnName: string, options: LogBaseOptions | undefined, positiveEps = false): Required<LogBaseOptions> {
  const resolved = resolveOptions(fnName, options, LOG_BASE_DEFAULTS);
  checkBase(fnName, 'base', resolved.base);
  checkEps(fnName, resolved.eps, positiveEps);
  checkBoolean(fnName, 'fromProbabilities', resolved.fromProbabilities);
  return resolved;
}

/** Fills in and checks the options of MIN-ENT or MIX-ENT; `positiveEps` for MIX-ENT. */
export function resolvePaperLossOptions(
  fnName: string,
  options: PaperLossOptions | undefined,
  positiveEps = false,
): Required<PaperLossOptions> {
  const resolved = resolveOptions(fnName, options, PAPER_LOSS_DEFAULTS);
  checkWeight(fnName, 'w1', resolved.w1);
  checkWeight(fnName, 'w2', resolved.w2);
  checkBase(fnName, 'b1', resolved.b1);
  checkBase(fnName, 'b2', resolved.b2);
  checkEps(fnName, resolved.eps, positiveEps);
  checkBoolean(fnName, 'fromProbabilities', resolved.fromProbabilities);
  return resolved;
}

/**
 * Cross entropy with base b: CE_b(y, p) = −Σ_k y_k log_b(p_k + eps), p = softmax(logits),
 * averaged over the batch. With eps = 0 it is the exact log-softmax cross entropy.
 *
 * @param labels int32 class indices [N], or one-hot / probability labels [N, K].
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ base = e, eps = 1e-6, fromProbabilities = false }`.
 * @returns the batch mean, a scalar.
 */
export function crossEntropy(labels: tf.Tensor, logits: tf.Tensor, options?: LogBaseOptions): tf.Scalar {
  return crossEntropyReduced(labels, logits, options, 'mean');
}

/** `crossEntropy` of each example, [N]. */
export function crossEntropyPerExample(labels: tf.Tensor, logits: tf.Tensor, options?: LogBaseOptions): tf.Tensor1D {
  return crossEntropyReduced(labels, logits, options, 'none');
}

function crossEntropyReduced<R extends Reduction>(
  labels: tf.Tensor,
  logits: tf.Tensor,
  options: LogBaseOptions | undefined,
  reduction: R,
): Reduced<R> {
  const { base, eps, fromProbabilities } = resolveLogBaseOptions('crossEntropy', options);
  const predictions = checkInputs('crossEntropy', labels, logits);
  return evaluate(labels, predictions, { crossEntropy: { weight: 1, base }, eps, fromProbabilities }, reduction);
}

/**
 * Entropy of the hypothesis: H_b(p) = −Σ_k p_k log_b(p_k + eps), p = softmax(logits),
 * averaged over the batch. It needs no labels.
 *
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ base = e, eps = 1e-6, fromProbabilities = false }`.
 * @returns the batch mean, a scalar.
 */
export function entropy(logits: tf.Tensor, options?: LogBaseOptions): tf.Scalar {
  const { base, eps, fromProbabilities } = resolveLogBaseOptions('entropy', options);
  const predictions = checkPredictions('entropy', logits);
  return evaluate(undefined, predictions, { regularizer: { kind: 'entropy', weight: 1, base }, eps, fromProbabilities }, 'mean');
}

/**
 * Swapped cross entropy, the reverse term of MIX-ENT: CE_b(p, y) = −Σ_k p_k log_b(y_k + eps),
 * averaged over the batch. For one-hot y it equals
 * (ln(1/eps)·(1 − p_y) − ln(1 + eps)·p_y) / ln b. eps must be > 0.
 *
 * @param labels int32 class indices [N], or one-hot / probability labels [N, K].
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ base = e, eps = 1e-6, fromProbabilities = false }`.
 * @returns the batch mean, a scalar.
 */
export function swappedCrossEntropy(labels: tf.Tensor, logits: tf.Tensor, options?: LogBaseOptions): tf.Scalar {
  return swappedCrossEntropyReduced(labels, logits, options, 'mean');
}

/** `swappedCrossEntropy` of each example, [N]. */
export function swappedCrossEntropyPerExample(labels: tf.Tensor, logits: tf.Tensor, options?: LogBaseOptions): tf.Tensor1D {
  return swappedCrossEntropyReduced(labels, logits, options, 'none');
}

function swappedCrossEntropyReduced<R extends Reduction>(
  labels: tf.Tensor,
  logits: tf.Tensor,
  options: LogBaseOptions | undefined,
  reduction: R,
): Reduced<R> {
  const { base, eps, fromProbabilities } = resolveLogBaseOptions('swappedCrossEntropy', options, true);
  const predictions = checkInputs('swappedCrossEntropy', labels, logits);
  return evaluate(labels, predictions, { regularizer: { kind: 'swapped', weight: 1, base }, eps, fromProbabilities }, reduction);
}

/**
 * MIN-ENT = w1 · CE_b1(y, p) + w2 · H_b2(p): cross entropy regularized by the entropy of the
 * hypothesis, averaged over the batch. The two terms share one ln(p + eps).
 *
 * @param labels int32 class indices [N], or one-hot / probability labels [N, K].
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ w1 = 1, w2 = 1, b1 = e, b2 = e, eps = 1e-6, fromProbabilities = false }`;
 *   `MIN_ENT_PRESET` holds the published settings. w1, w2 may be scalar tensors.
 * @returns the batch mean, a scalar.
 */
export function minEntropyLoss(labels: tf.Tensor, logits: tf.Tensor, options?: PaperLossOptions): tf.Scalar {
  return minEntropyLossReduced(labels, logits, options, 'mean');
}

/** `minEntropyLoss` of each example, [N]. */
export function minEntropyLossPerExample(labels: tf.Tensor, logits: tf.Tensor, options?: PaperLossOptions): tf.Tensor1D {
  return minEntropyLossReduced(labels, logits, options, 'none');
}

function minEntropyLossReduced<R extends Reduction>(
  labels: tf.Tensor,
  logits: tf.Tensor,
  options: PaperLossOptions | undefined,
  reduction: R,
): Reduced<R> {
  const { w1, w2, b1, b2, eps, fromProbabilities } = resolvePaperLossOptions('minEntropyLoss', options);
  const predictions = checkInputs('minEntropyLoss', labels, logits);
  const spec: PaperLossSpec = {
    crossEntropy: { weight: w1, base: b1 },
    regularizer: { kind: 'entropy', weight: w2, base: b2 },
    eps,
    fromProbabilities,
  };
  return evaluate(labels, predictions, spec, reduction);
}

/**
 * MIX-ENT = w1 · CE_b1(y, p) + w2 · CE_b2(p, y): cross entropy plus the swapped cross entropy
 * (H_b2(p) + KL_b2(p ‖ y) with eps), averaged over the batch. eps must be > 0.
 *
 * @param labels int32 class indices [N], or one-hot / probability labels [N, K].
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ w1 = 1, w2 = 1, b1 = e, b2 = e, eps = 1e-6, fromProbabilities = false }`;
 *   `MIX_ENT_PRESET` holds the published settings. w1, w2 may be scalar tensors.
 * @returns the batch mean, a scalar.
 */
export function mixEntropyLoss(labels: tf.Tensor, logits: tf.Tensor, options?: PaperLossOptions): tf.Scalar {
  return mixEntropyLossReduced(labels, logits, options, 'mean');
}

/** `mixEntropyLoss` of each example, [N]. */
export function mixEntropyLossPerExample(labels: tf.Tensor, logits: tf.Tensor, options?: PaperLossOptions): tf.Tensor1D {
  return mixEntropyLossReduced(labels, logits, options, 'none');
}

function mixEntropyLossReduced<R extends Reduction>(
  labels: tf.Tensor,
  logits: tf.Tensor,
  options: PaperLossOptions | undefined,
  reduction: R,
): Reduced<R> {
  const { w1, w2, b1, b2, eps, fromProbabilities } = resolvePaperLossOptions('mixEntropyLoss', options, true);
  const predictions = checkInputs('mixEntropyLoss', labels, logits);
  const spec: PaperLossSpec = {
    crossEntropy: { weight: w1, base: b1 },
    regularizer: { kind: 'swapped', weight: w2, base: b2 },
    eps,
    fromProbabilities,
  };
  return evaluate(labels, predictions, spec, reduction);
}
