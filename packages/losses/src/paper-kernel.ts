import * as tf from '@tensorflow/tfjs-core';

import { logSoftmaxParts } from './core.js';

/** A coefficient c = w / ln b: a number, or a scalar tensor when the weight is learned. */
type Coefficient = number | tf.Scalar;

/**
 * A loss of the paper from logits, per example, as natural-log terms and their coefficients (c = w / ln b):
 * c1 · T1 + c2 · T2, with
 *   T1 = −Σ_k y_k ln(p_k + eps)   (cross entropy)
 *   T2 = −Σ_k p_k ln(p_k + eps)   (entropy)  or
 *   T2 = −Σ_k p_k ln(y_k + eps)   (swapped cross entropy).
 * A term left out is 0.
 */
export interface PaperTerms {
  readonly crossEntropy?: { readonly coefficient: Coefficient; /** y, float32 [N, K] */ readonly labels: tf.Tensor };
  readonly regularizer?:
    | { readonly kind: 'entropy'; readonly coefficient: Coefficient }
    | {
        readonly kind: 'swapped';
        readonly coefficient: Coefficient;
        /** ln(y + eps), float32 [N, K] */ readonly logLabelsPlusEps: tf.Tensor;
      };
  readonly eps: number;
}

/**
 * p = softmax(z) and, when `withLogs`, ln(p + eps) of [N, K] logits, to float32 precision
 * everywhere. With s the sum of exp(z − max) over the non-maximal entries and x = eps·(1 + s):
 *   p = exp(z − max) / (1 + s),   ln(p + eps) = ln(exp(z − max) + x) − log1p(s),
 * and for the maximal entry (where exp(z − max) = 1) log1p(x) instead of ln(1 + x): near
 * p = 1 that is what keeps ln(p + eps) exact, where log(p + eps) rounds p + eps to 6e-8.
 */
function probabilitiesAndLogs(
  logits: tf.Tensor2D,
  eps: number,
  withLogs: boolean,
): { probs: tf.Tensor; logProbsPlus?: tf.Tensor; notTop: tf.Tensor; topComplement: tf.Tensor } {
  const { shifted, exps, notTop, rest } = logSoftmaxParts(logits);
  const norm = tf.add(rest, 1);
  const probs = tf.div(exps, norm);
  // 1 − p of the maximal entry, s / (1 + s), without the cancellation of 1 − p.
  const topComplement = tf.div(rest, norm);
  if (!withLogs) return { probs, notTop, topComplement };
  const logNorm = tf.log1p(rest);
  if (eps === 0) return { probs, logProbsPlus: tf.sub(shifted, logNorm), notTop, topComplement };
  const x = tf.mul(norm, eps);
  const general = tf.sub(tf.log(tf.add(exps, x)), logNorm);
  // Broadcast arithmetic rather than tf.where, whose broadcasting is slow on the wasm backend.
  const topCorrection = tf.sub(tf.log1p(x), tf.log(tf.add(x, 1)));
  return { probs, logProbsPlus: tf.add(general, tf.mul(tf.sub(1, notTop), topCorrection)), notTop, topComplement };
}

/** −Σ_k a_nk b_nk of each row n. */
function negativeRowSums(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  return tf.neg(tf.sum<tf.Tensor1D>(tf.mul(a, b), 1));
}

/** The batch mean of per-example values, or the values themselves; a scalar (a term left out) stays as it is. */
function reduce<R extends Reduction>(values: tf.Tensor, reduction: R): Reduced<R> {
  return (reduction === 'mean' && values.rank > 0 ? tf.mean(values) : values) as Reduced<R>;
}

function toScalar(coefficient: Coefficient | undefined): tf.Scalar {
  return coefficient instanceof tf.Tensor ? coefficient : tf.scalar(coefficient ?? 0);
}

/** `'mean'`: the batch mean, a scalar; `'none'`: one value per example, [N]. */
export type Reduction = 'mean' | 'none';

/** What a loss with `reduction` R returns. */
export type Reduced<R extends Reduction> = R extends 'mean' ? tf.Scalar : tf.Tensor1D;

/**
 * c1 · T1 + c2 · T2 of `terms` from logits, its batch mean or per example, with the gradient in closed form. For a loss ℓ(p)
 * of p = softmax(z), ∂ℓ/∂z = p ⊙ a − p · Σ_k p_k a_k with a = ∂ℓ/∂p, and here
 *   p ⊙ a = −c1 · y ⊙ q − c2 · p ⊙ (ln(p + eps) + q)   (entropy)
 *   p ⊙ a = −c1 · y ⊙ q − c2 · p ⊙ ln(y + eps)         (swapped)
 * with q = p / (p + eps) ∈ [0, 1] (1 when eps = 0). Every factor is bounded, so the gradient is
 * finite for any finite logits; ∂/∂c1 = T1 and ∂/∂c2 = T2 let tensor weights learn. Writing
 * the gradient out saves the transcendental functions autodiff would add, and differentiates
 * without tfjs' registered gradients (the batch mean included, which is why it is taken here). Call it inside
 * `tf.tidy`.
 */
export function paperLossFromLogits<R extends Reduction>(logits: tf.Tensor2D, terms: PaperTerms, reduction: R): Reduced<R> {
  const { crossEntropy, regularizer, eps } = terms;
  const labels = crossEntropy?.labels;
  const logLabels = regularizer?.kind === 'swapped' ? regularizer.logLabelsPlusEps : undefined;
  const needsLogs = labels !== undefined || regularizer?.kind === 'entropy';
  const kernel = tf.customGrad<Reduced<R>>((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, c1, c2, save] = args as [tf.Tensor2D, tf.Scalar, tf.Scalar, tf.GradSaveFunc];
    const { probs, logProbsPlus, notTop, topComplement } = probabilitiesAndLogs(z, eps, needsLogs);
    const absent = tf.scalar(0);
    const t1 = labels && logProbsPlus ? negativeRowSums(labels, logProbsPlus) : absent;
    const regularizerLogs = logLabels ?? logProbsPlus;
    const t2 = regularizer && regularizerLogs ? negativeRowSums(probs, regularizerLogs) : absent;
    // The gradient reads only saved tensors: the caller's tidy disposes the others before backprop.
    save([probs, logProbsPlus ?? absent, t1, t2, c1, c2, labels ?? absent, logLabels ?? absent, notTop, topComplement]);
    return {
      // A term left out is the scalar 0; every loss has at least one [N] term.
      value: reduce(tf.add(tf.mul(c1, t1), tf.mul(c2, t2)), reduction),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [p, logPlus, savedT1, savedT2, savedC1, savedC2, y, logY, savedNotTop, savedTopComplement] = saved as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Scalar,
          tf.Scalar,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        const q = eps === 0 ? undefined : tf.div(p, tf.add(p, eps));
        // −p ⊙ a, term by term.
        const parts: tf.Tensor[] = [];
        if (labels !== undefined) parts.push(tf.mul(savedC1, q === undefined ? y : tf.mul(y, q)));
        if (regularizer !== undefined) {
          // a may shift by a constant per row without changing the gradient; ln(y + eps) − ln(eps)
          // is 0 off the labels, so the swapped term's p ⊙ B − b has nothing to cancel there.
          const perProbability = logLabels === undefined ? tf.add(logPlus, q ?? 1) : tf.sub(logY, Math.log(eps));
          parts.push(tf.mul(savedC2, tf.mul(p, perProbability)));
        }
        // With b = −p ⊙ a and B = Σ_k b_k, the gradient is p ⊙ B − b. For the maximal entry t,
        // where p_t B and b_t nearly cancel when p_t → 1, it is taken as Σ_{k≠t} b_k − (1 − p_t)·B.
        const b = tf.addN(parts);
        const total = tf.sum(b, 1, true);
        const top = tf.sub(tf.sum(tf.mul(b, savedNotTop), 1, true), tf.mul(savedTopComplement, total));
        const perEntry = tf.add(tf.mul(tf.sub(tf.mul(p, total), b), savedNotTop), tf.mul(tf.sub(1, savedNotTop), top));
        // The upstream gradient of each example: dy / N under the batch mean, dy[n] per example.
        const perExample = reduction === 'mean' ? tf.div(dy, p.shape[0] as number) : tf.expandDims(dy, 1);
        const gradient = tf.mul(perEntry, perExample);
        return [gradient, tf.sum(tf.mul(dy, reduce(savedT1, reduction))), tf.sum(tf.mul(dy, reduce(savedT2, reduction)))];
      },
    };
  });
  return kernel(logits, toScalar(crossEntropy?.coefficient), toScalar(regularizer?.coefficient));
}
