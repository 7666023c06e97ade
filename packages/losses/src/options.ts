import * as tf from '@tensorflow/tfjs-core';

/** A loss weight: a fixed number, or a scalar tensor (for example from `createLearnableWeights`). */
export type LossWeight = number | tf.Scalar;

/** Every loss of this package: labels and logits in, the mean over the batch out. */
export type LossFunction = (labels: tf.Tensor, logits: tf.Tensor) => tf.Scalar;

/** A loss of this package example by example: labels and logits in, one loss per example out, [N]. */
export type PerExampleLossFunction = (labels: tf.Tensor, logits: tf.Tensor) => tf.Tensor1D;

/** Options shared by every loss. */
export interface PredictionOptions {
  /**
   * `true` when the second argument holds probabilities (a model that ends in softmax) rather
   * than logits. Probabilities are clipped to [0, 1]; where a log has no eps to keep it finite
   * they are also floored at `PROBABILITY_FLOOR`. Default `false`.
   */
  fromProbabilities?: boolean;
}

/** Options of the single-term losses of the paper: `crossEntropy`, `entropy`, `swappedCrossEntropy`. */
export interface LogBaseOptions extends PredictionOptions {
  /** Base b of the logarithm, log_b(x) = ln(x) / ln(b); > 0 and ≠ 1. Default e. */
  base?: number;
  /** The eps inside the log, log_b(p + eps); ≥ 0 (> 0 for the swapped term). Default 1e-6. */
  eps?: number;
}

/** Options of MIN-ENT and MIX-ENT, in the notation of the paper. */
export interface PaperLossOptions extends PredictionOptions {
  /** Weight of the cross-entropy term CE_b1(y, p). Default 1. */
  w1?: LossWeight;
  /** Weight of the regularizer: H_b2(p) for MIN-ENT, CE_b2(p, y) for MIX-ENT. Default 1. */
  w2?: LossWeight;
  /** Log base of the cross-entropy term; > 0 and ≠ 1. Default e. */
  b1?: number;
  /** Log base of the regularizer; > 0 and ≠ 1. Default e. */
  b2?: number;
  /** The eps inside every log, log_b(x + eps); ≥ 0 (> 0 for MIX-ENT). Default 1e-6. */
  eps?: number;
}

/** Options of the symmetric cross entropy of Wang et al. (2019). */
export interface SymmetricCrossEntropyOptions extends PredictionOptions {
  /** Weight of CE. Default 0.1 (the paper's CIFAR-10 setting). */
  alpha?: number;
  /** Weight of the reverse cross entropy RCE. Default 1. */
  beta?: number;
  /** A, the value that replaces log 0 in RCE; < 0. Default −4. */
  logZero?: number;
}

/** Options of the confidence penalty of Pereyra et al. (2017). */
export interface ConfidencePenaltyOptions extends PredictionOptions {
  /** β ≥ 0 in CE − β·H(p). Default 0.1. */
  beta?: number;
}

/** Options of label smoothing. */
export interface LabelSmoothingOptions extends PredictionOptions {
  /** ε in [0, 1] of the target (1 − ε)·y + ε/K. Default 0.1. */
  smoothing?: number;
}

/** Options of the focal loss of Lin et al. (2017). */
export interface FocalLossOptions extends PredictionOptions {
  /** Focusing exponent γ ≥ 0 of (1 − p_t)^γ. Default 2. */
  gamma?: number;
  /** Constant factor α > 0 on every class (the multi-class form; see README). Default 0.25. */
  alpha?: number;
}

/** Options of the Poly-1 loss of Leng et al. (2022). */
export interface Poly1Options extends PredictionOptions {
  /** ε1 in CE + ε1·(1 − p_t); any finite number. Default 2 (the paper's ImageNet setting). */
  epsilon?: number;
}

/**
 * Copies `given` over `defaults`, rejecting unknown keys, so a misspelt option in a config
 * fails loudly instead of silently falling back to its default.
 */
export function resolveOptions<T extends object>(fnName: string, given: Partial<T> | undefined, defaults: Readonly<T>): T {
  const resolved: T = { ...defaults };
  if (given === undefined) return resolved;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(`${fnName}: options must be an object, got ${describe(given)}`);
  }
  for (const [key, value] of Object.entries(given)) {
    if (!Object.hasOwn(defaults, key)) {
      throw new Error(`${fnName}: unknown option '${key}' (expected one of: ${Object.keys(defaults).join(', ')})`);
    }
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  return resolved;
}

/** Throws unless `value` is a finite number. */
export function checkFinite(fnName: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${fnName}: ${name} must be a finite number, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a finite number in [min, max]. */
export function checkInRange(fnName: string, name: string, value: unknown, min: number, max: number): void {
  checkFinite(fnName, name, value);
  if ((value as number) < min || (value as number) > max) {
    throw new RangeError(`${fnName}: ${name} must be in [${min}, ${max}], got ${value as number}`);
  }
}

/** Throws unless `value` is a valid log base: finite, > 0 and ≠ 1. */
export function checkBase(fnName: string, name: string, value: unknown): void {
  checkFinite(fnName, name, value);
  if ((value as number) <= 0 || value === 1) {
    throw new RangeError(`${fnName}: ${name} must be > 0 and ≠ 1, got ${value as number}`);
  }
}

/** Throws unless `value` is a valid eps: finite and ≥ 0, or > 0 when `positive`. */
export function checkEps(fnName: string, value: unknown, positive: boolean): void {
  checkFinite(fnName, 'eps', value);
  if (positive ? (value as number) <= 0 : (value as number) < 0) {
    const why = positive ? ' (log_b(0 + eps) of a zero label must stay finite)' : '';
    throw new RangeError(`${fnName}: eps must be ${positive ? '> 0' : '≥ 0'}${why}, got ${value as number}`);
  }
}

/** Throws unless `value` is a finite number or a float32 scalar tensor. */
export function checkWeight(fnName: string, name: string, value: unknown): void {
  if (value instanceof tf.Tensor) {
    if (value.rank !== 0 || value.dtype !== 'float32') {
      throw new TypeError(
        `${fnName}: ${name} must be a number or a float32 scalar tensor, got a ${value.dtype} tensor of shape [${value.shape.join(',')}]`,
      );
    }
    return;
  }
  checkFinite(fnName, name, value);
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(fnName: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${fnName}: ${name} must be a boolean, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape.join(',')}]`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}
