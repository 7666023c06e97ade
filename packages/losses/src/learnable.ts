import * as tf from '@tensorflow/tfjs-core';

import { checkFinite, resolveOptions } from './options.js';

/** Options of `createLearnableWeights`. */
export interface LearnableWeightsOptions {
  /** The largest ratio w1/w2 or w2/w1 the weights may reach; > 1. Default 100. */
  maxRatio?: number;
}

/** Learnable MIN-ENT / MIX-ENT weights; see `createLearnableWeights`. */
export interface LearnableWeights {
  /** The trainable parameter (one scalar θ), for the training loop's own optimizer group. */
  readonly variables: readonly tf.Variable[];
  /** c = √(w1·w2), fixed at creation: the geometric mean of the weights never changes. */
  readonly scale: number;
  /**
   * The effective weights as scalars that depend on θ. Call it inside the loss closure given to
   * `tf.variableGrads` / `optimizer.minimize`, and pass the result as the w1, w2 options.
   */
  weights(): { w1: tf.Scalar; w2: tf.Scalar };
  /** The current effective weights as numbers, for logging and checkpoints. */
  read(): Promise<{ w1: number; w2: number }>;
  /** Frees the variable. */
  dispose(): void;
}

const LEARNABLE_DEFAULTS: Required<LearnableWeightsOptions> = Object.freeze({ maxRatio: 100 });

/**
 * Creates learnable weights w1, w2 for `minEntropyLoss` / `mixEntropyLoss`, parameterized so
 * that gradient descent on the loss cannot drive either weight to zero:
 *
 *   w1 = c·e^r,  w2 = c·e^(−r),  r = r_max·tanh(θ / r_max),  r_max = ½·ln(maxRatio)
 *
 * The product w1·w2 = c² is fixed, so only the balance between the two terms is learned. The
 * loss w1·A + w2·B is convex in r with its minimum where w1·A = w2·B (both terms contribute
 * equally), i.e. w1 = c·√(B/A): a finite, non-zero value whenever A, B > 0. The tanh bound
 * keeps each weight in [c/√maxRatio, c·√maxRatio] even when a term reaches ≤ 0 (with eps the
 * entropy and swapped terms of a perfectly fitted batch are slightly negative).
 *
 * @param initial starting weights, both > 0 (e.g. `MIN_ENT_PRESET`); c = √(w1·w2).
 * @param options `{ maxRatio = 100 }`.
 */
export function createLearnableWeights(
  initial: { readonly w1: number; readonly w2: number },
  options?: LearnableWeightsOptions,
): LearnableWeights {
  const fnName = 'createLearnableWeights';
  const { maxRatio } = resolveOptions(fnName, options, LEARNABLE_DEFAULTS);
  checkFinite(fnName, 'maxRatio', maxRatio);
  if (maxRatio <= 1) throw new RangeError(`${fnName}: maxRatio must be > 1, got ${maxRatio}`);
  for (const key of ['w1', 'w2'] as const) {
    checkFinite(fnName, key, initial[key]);
    if (initial[key] <= 0) throw new RangeError(`${fnName}: initial ${key} must be > 0, got ${initial[key]}`);
  }
  const halfLogRatioBound = 0.5 * Math.log(maxRatio);
  const initialHalfLogRatio = 0.5 * Math.log(initial.w1 / initial.w2);
  if (Math.abs(initialHalfLogRatio) >= halfLogRatioBound) {
    throw new RangeError(
      `${fnName}: the initial ratio w1/w2 = ${initial.w1 / initial.w2} lies outside (1/maxRatio, maxRatio) = (${1 / maxRatio}, ${maxRatio}); raise maxRatio`,
    );
  }
  const scale = Math.sqrt(initial.w1 * initial.w2);
  const theta = tf.variable(tf.scalar(halfLogRatioBound * Math.atanh(initialHalfLogRatio / halfLogRatioBound)), true);

  const weights = (): { w1: tf.Scalar; w2: tf.Scalar } =>
    tf.tidy(() => {
      const halfLogRatio = tf.mul(tf.tanh(tf.div(theta, halfLogRatioBound)), halfLogRatioBound);
      return { w1: tf.mul(tf.exp(halfLogRatio), scale), w2: tf.mul(tf.exp(tf.neg(halfLogRatio)), scale) };
    });

  return {
    variables: Object.freeze([theta]),
    scale,
    weights,
    read: async () => {
      const { w1, w2 } = weights();
      const values = { w1: (await w1.data())[0] as number, w2: (await w2.data())[0] as number };
      tf.dispose([w1, w2]);
      return values;
    },
    dispose: () => theta.dispose(),
  };
}
