import * as tf from '@tensorflow/tfjs-core';

import { Hypothesis, Targets, batchMean, checkInputs } from './core.js';
import type {
  ConfidencePenaltyOptions,
  FocalLossOptions,
  LabelSmoothingOptions,
  Poly1Options,
  SymmetricCrossEntropyOptions,
} from './options.js';
import { checkBoolean, checkFinite, checkInRange, resolveOptions } from './options.js';

// The comparison losses use natural logs without eps, as their papers do: ln p is log-softmax.

/**
 * The floor on 1 − p_t before (1 − p_t)^γ: for 0 < γ < 1 the gradient γ·x^(γ−1) is infinite
 * at x = 0, which float32 reaches for confident predictions. Below it the term is < 1e-30·|ln p|.
 */
const FOCAL_COMPLEMENT_FLOOR = 1e-30;

const SYMMETRIC_DEFAULTS: Required<SymmetricCrossEntropyOptions> = Object.freeze({
  alpha: 0.1,
  beta: 1,
  logZero: -4,
  fromProbabilities: false,
});
const CONFIDENCE_PENALTY_DEFAULTS: Required<ConfidencePenaltyOptions> = Object.freeze({ beta: 0.1, fromProbabilities: false });
const LABEL_SMOOTHING_DEFAULTS: Required<LabelSmoothingOptions> = Object.freeze({ smoothing: 0.1, fromProbabilities: false });
const FOCAL_DEFAULTS: Required<FocalLossOptions> = Object.freeze({ gamma: 2, alpha: 0.25, fromProbabilities: false });
const POLY1_DEFAULTS: Required<Poly1Options> = Object.freeze({ epsilon: 2, fromProbabilities: false });

/** −Σ_k y_k ln p_k of each example. */
function naturalCrossEntropy(targets: Targets, hypothesis: Hypothesis): tf.Tensor1D {
  return tf.neg(tf.sum<tf.Tensor1D>(tf.mul(targets.dense(), hypothesis.logProbs()), 1));
}

/** Fills in and checks the options of `symmetricCrossEntropy`. */
export function resolveSymmetricOptions(fnName: string, options?: SymmetricCrossEntropyOptions): Required<SymmetricCrossEntropyOptions> {
  const resolved = resolveOptions(fnName, options, SYMMETRIC_DEFAULTS);
  checkFinite(fnName, 'alpha', resolved.alpha);
  checkFinite(fnName, 'beta', resolved.beta);
  checkFinite(fnName, 'logZero', resolved.logZero);
  if (resolved.logZero >= 0) throw new RangeError(`${fnName}: logZero must be < 0, got ${resolved.logZero}`);
  checkBoolean(fnName, 'fromProbabilities', resolved.fromProbabilities);
  return resolved;
}

/** Fills in and checks the options of `confidencePenalty`. */
export function resolveConfidencePenaltyOptions(fnName: string, options?: ConfidencePenaltyOptions): Required<ConfidencePenaltyOptions> {
  const resolved = resolveOptions(fnName, options, CONFIDENCE_PENALTY_DEFAULTS);
  checkInRange(fnName, 'beta', resolved.beta, 0, Number.MAX_VALUE);
  checkBoolean(fnName, 'fromProbabilities', resolved.fromProbabilities);
  return resolved;
}

/** Fills in and checks the options of `labelSmoothingCrossEntropy`. */
export function resolveLabelSmoothingOptions(fnName: string, options?: LabelSmoothingOptions): Required<LabelSmoothingOptions> {
  const resolved = resolveOptions(fnName, options, LABEL_SMOOTHING_DEFAULTS);
  checkInRange(fnName, 'smoothing', resolved.smoothing, 0, 1);
  checkBoolean(fnName, 'fromProbabilities', resolved.fromProbabilities);
  return resolved;
}

/** Fills in and checks the options of `focalLoss`. */
export function resolveFocalOptions(fnName: string, options?: FocalLossOptions): Required<FocalLossOptions> {
  const resolved = resolveOptions(fnName, options, FOCAL_DEFAULTS);
  checkInRange(fnName, 'gamma', resolved.gamma, 0, Number.MAX_VALUE);
  checkFinite(fnName, 'alpha', resolved.alpha);
  if (resolved.alpha <= 0) throw new RangeError(`${fnName}: alpha must be > 0, got ${resolved.alpha}`);
  checkBoolean(fnName, 'fromProbabilities', resolved.fromProbabilities);
  return resolved;
}

/** Fills in and checks the options of `poly1Loss`. */
export function resolvePoly1Options(fnName: string, options?: Poly1Options): Required<Poly1Options> {
  const resolved = resolveOptions(fnName, options, POLY1_DEFAULTS);
  checkFinite(fnName, 'epsilon', resolved.epsilon);
  checkBoolean(fnName, 'fromProbabilities', resolved.fromProbabilities);
  return resolved;
}

/**
 * Symmetric cross entropy (Wang et al. 2019): α·CE + β·RCE with RCE = −Σ_k p_k ln y_k, where
 * ln 0 is replaced by A = `logZero`. For one-hot labels RCE = −A·(1 − p_y).
 *
 * @param labels int32 class indices [N], or one-hot / probability labels [N, K].
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ alpha = 0.1, beta = 1, logZero = −4, fromProbabilities = false }`.
 * @returns the batch mean, a scalar.
 */
export function symmetricCrossEntropy(labels: tf.Tensor, logits: tf.Tensor, options?: SymmetricCrossEntropyOptions): tf.Scalar {
  return batchMean(() => symmetricCrossEntropyPerExample(labels, logits, options));
}

/** `symmetricCrossEntropy` of each example, [N]. */
export function symmetricCrossEntropyPerExample(labels: tf.Tensor, logits: tf.Tensor, options?: SymmetricCrossEntropyOptions): tf.Tensor1D {
  const { alpha, beta, logZero, fromProbabilities } = resolveSymmetricOptions('symmetricCrossEntropy', options);
  const predictions = checkInputs('symmetricCrossEntropy', labels, logits);
  return tf.tidy(() => {
    const targets = new Targets(labels, predictions.shape[1]);
    const hypothesis = new Hypothesis(predictions, fromProbabilities);
    const reverse = tf.neg(tf.sum(tf.mul(hypothesis.probs(), targets.logClipped(logZero)), 1));
    return tf.add(tf.mul(naturalCrossEntropy(targets, hypothesis), alpha), tf.mul(reverse, beta));
  });
}

/**
 * Confidence penalty (Pereyra et al. 2017): CE − β·H(p), with H(p) = −Σ_k p_k ln p_k. It is
 * MIN-ENT's regularizer with the opposite sign (it rewards entropy).
 *
 * @param labels int32 class indices [N], or one-hot / probability labels [N, K].
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ beta = 0.1, fromProbabilities = false }`.
 * @returns the batch mean, a scalar.
 */
export function confidencePenalty(labels: tf.Tensor, logits: tf.Tensor, options?: ConfidencePenaltyOptions): tf.Scalar {
  return batchMean(() => confidencePenaltyPerExample(labels, logits, options));
}

/** `confidencePenalty` of each example, [N]. */
export function confidencePenaltyPerExample(labels: tf.Tensor, logits: tf.Tensor, options?: ConfidencePenaltyOptions): tf.Tensor1D {
  const { beta, fromProbabilities } = resolveConfidencePenaltyOptions('confidencePenalty', options);
  const predictions = checkInputs('confidencePenalty', labels, logits);
  return tf.tidy(() => {
    const targets = new Targets(labels, predictions.shape[1]);
    const hypothesis = new Hypothesis(predictions, fromProbabilities);
    const negativeEntropy = tf.sum(tf.mul(hypothesis.probs(), hypothesis.logProbs()), 1);
    return tf.add(naturalCrossEntropy(targets, hypothesis), tf.mul(negativeEntropy, beta));
  });
}

/**
 * Cross entropy against smoothed labels: −Σ_k q_k ln p_k with q = (1 − ε)·y + ε/K.
 *
 * @param labels int32 class indices [N], or one-hot / probability labels [N, K].
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ smoothing = 0.1, fromProbabilities = false }`.
 * @returns the batch mean, a scalar.
 */
export function labelSmoothingCrossEntropy(labels: tf.Tensor, logits: tf.Tensor, options?: LabelSmoothingOptions): tf.Scalar {
  return batchMean(() => labelSmoothingCrossEntropyPerExample(labels, logits, options));
}

/** `labelSmoothingCrossEntropy` of each example, [N]. */
export function labelSmoothingCrossEntropyPerExample(labels: tf.Tensor, logits: tf.Tensor, options?: LabelSmoothingOptions): tf.Tensor1D {
  const { smoothing, fromProbabilities } = resolveLabelSmoothingOptions('labelSmoothingCrossEntropy', options);
  const predictions = checkInputs('labelSmoothingCrossEntropy', labels, logits);
  return tf.tidy(() => {
    const targets = new Targets(labels, predictions.shape[1]);
    const hypothesis = new Hypothesis(predictions, fromProbabilities);
    const smoothed = tf.add(tf.mul(targets.dense(), 1 - smoothing), smoothing / predictions.shape[1]);
    return tf.neg(tf.sum<tf.Tensor1D>(tf.mul(smoothed, hypothesis.logProbs()), 1));
  });
}

/**
 * Focal loss (Lin et al. 2017) in its softmax form: −α·Σ_k y_k (1 − p_k)^γ ln p_k, which is
 * −α (1 − p_t)^γ ln p_t for one-hot labels. α is one constant for every class (the binary
 * paper's α for positives); it only scales the loss.
 *
 * @param labels int32 class indices [N], or one-hot / probability labels [N, K].
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ gamma = 2, alpha = 0.25, fromProbabilities = false }`.
 * @returns the batch mean, a scalar.
 */
export function focalLoss(labels: tf.Tensor, logits: tf.Tensor, options?: FocalLossOptions): tf.Scalar {
  return batchMean(() => focalLossPerExample(labels, logits, options));
}

/** `focalLoss` of each example, [N]. */
export function focalLossPerExample(labels: tf.Tensor, logits: tf.Tensor, options?: FocalLossOptions): tf.Tensor1D {
  const { gamma, alpha, fromProbabilities } = resolveFocalOptions('focalLoss', options);
  const predictions = checkInputs('focalLoss', labels, logits);
  return tf.tidy(() => {
    const targets = new Targets(labels, predictions.shape[1]);
    const hypothesis = new Hypothesis(predictions, fromProbabilities);
    const logTerms = tf.mul(targets.dense(), hypothesis.logProbs());
    const terms = gamma === 0 ? logTerms : tf.mul(tf.pow(tf.maximum(hypothesis.complement(), FOCAL_COMPLEMENT_FLOOR), gamma), logTerms);
    return tf.mul(tf.sum<tf.Tensor1D>(terms, 1), -alpha);
  });
}

/**
 * Poly-1 loss (Leng et al. 2022): CE + ε1·(1 − p_t), with p_t = Σ_k y_k p_k. 1 − p_t is taken as
 * Σ_k y_k (1 − p_k), equal for labels that sum to 1 and exact when p_t is close to 1.
 *
 * @param labels int32 class indices [N], or one-hot / probability labels [N, K].
 * @param logits float32 [N, K] pre-softmax scores (probabilities with `fromProbabilities`).
 * @param options `{ epsilon = 2, fromProbabilities = false }`.
 * @returns the batch mean, a scalar.
 */
export function poly1Loss(labels: tf.Tensor, logits: tf.Tensor, options?: Poly1Options): tf.Scalar {
  return batchMean(() => poly1LossPerExample(labels, logits, options));
}

/** `poly1Loss` of each example, [N]. */
export function poly1LossPerExample(labels: tf.Tensor, logits: tf.Tensor, options?: Poly1Options): tf.Tensor1D {
  const { epsilon, fromProbabilities } = resolvePoly1Options('poly1Loss', options);
  const predictions = checkInputs('poly1Loss', labels, logits);
  return tf.tidy(() => {
    const targets = new Targets(labels, predictions.shape[1]);
    const hypothesis = new Hypothesis(predictions, fromProbabilities);
    const complementOfTrue = tf.sum(tf.mul(targets.dense(), hypothesis.complement()), 1);
    return tf.add(naturalCrossEntropy(targets, hypothesis), tf.mul(complementOfTrue, epsilon));
  });
}
