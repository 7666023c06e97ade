import * as tf from '@tensorflow/tfjs-core';

/**
 * The floor applied to given probabilities (`fromProbabilities`) before a log that has no eps,
 * so that log p and its gradient 1/p stay finite in float32 (the epsilon Keras uses).
 */
export const PROBABILITY_FLOOR = 1e-7;

/**
 * Checks that `logits` is a float32 [N, K] tensor with N ≥ 1 and K ≥ 2, and returns it typed.
 * The message names the calling function so a wrong argument is easy to find.
 */
export function checkPredictions(fnName: string, logits: tf.Tensor): tf.Tensor2D {
  if (!(logits instanceof tf.Tensor)) {
    throw new TypeError(`${fnName}: logits must be a tf.Tensor, got ${String(logits)}`);
  }
  if (logits.rank !== 2) {
    throw new Error(`${fnName}: logits must have shape [N, K], got shape [${logits.shape.join(',')}]`);
  }
  if (logits.dtype !== 'float32') {
    throw new TypeError(`${fnName}: logits must be float32, got ${logits.dtype}`);
  }
  const [n, k] = logits.shape as [number, number];
  if (n < 1 || k < 2) {
    throw new Error(`${fnName}: logits of shape [${n},${k}] need at least 1 row and 2 classes`);
  }
  return logits as tf.Tensor2D;
}

/**
 * The backends whose tensors are cheap to read back, where labels are checked value by value: cpu and wasm hold
 * them in host memory, and `tensorflow` is tfjs-node (with tfjs-node-gpu, which registers under the same name,
 * the check costs one small read back from the GPU per call).
 */
const HOST_MEMORY_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * Checks that `labels` fits `logits` of shape [N, K]: int32 class indices of shape [N], or a
 * one-hot / probability tensor of shape [N, K] (float32 or int32). On the backends that read back
 * cheaply (cpu, wasm, tfjs-node) the values are checked too: indices in [0, K), probabilities
 * finite and in [0, 1]. On webgpu and webgl that would stall the pipeline, so there an index
 * outside [0, K) gives an all-zero label row and bad probabilities give a wrong loss.
 */
function checkLabels(fnName: string, labels: tf.Tensor, logits: tf.Tensor2D): void {
  if (!(labels instanceof tf.Tensor)) {
    throw new TypeError(`${fnName}: labels must be a tf.Tensor, got ${String(labels)}`);
  }
  const [n, k] = logits.shape;
  const shapes = `labels of shape [${labels.shape.join(',')}] do not match logits of shape [${n},${k}]`;
  if (labels.rank === 1) {
    if (labels.dtype !== 'int32') {
      throw new TypeError(
        `${fnName}: labels of shape [N] must be int32 class indices, got ${labels.dtype} (use tf.cast(labels, 'int32') or one-hot labels of shape [N, K])`,
      );
    }
    if (labels.shape[0] !== n) throw new Error(`${fnName}: ${shapes}`);
    if (HOST_MEMORY_BACKENDS.has(tf.getBackend())) {
      const outside = (labels.dataSync() as Int32Array).find((c) => c < 0 || c >= k);
      if (outside !== undefined) throw new RangeError(`${fnName}: class index ${outside} is outside [0, ${k})`);
    }
    return;
  }
  if (labels.rank === 2) {
    if (labels.dtype !== 'float32' && labels.dtype !== 'int32') {
      throw new TypeError(`${fnName}: labels of shape [N, K] must be float32 or int32, got ${labels.dtype}`);
    }
    if (labels.shape[0] !== n || labels.shape[1] !== k) throw new Error(`${fnName}: ${shapes}`);
    if (HOST_MEMORY_BACKENDS.has(tf.getBackend())) {
      const values = labels.dataSync();
      const at = values.findIndex((v) => !(v >= 0 && v <= 1));
      if (at >= 0) {
        throw new RangeError(
          `${fnName}: label [${Math.floor(at / k)}, ${at % k}] is ${values[at]}: one-hot or probability labels must lie in [0, 1]`,
        );
      }
    }
    return;
  }
  throw new Error(`${fnName}: labels must be int32 indices of shape [N] or a tensor of shape [N, K]; ${shapes}`);
}

/**
 * A float32 one-hot matrix with `on` at the indices and `off` elsewhere. Built from the int32
 * oneHot and a cast, never from oneHot's own dtype and values: tfjs-backend-wasm 4.22 writes int32
 * bits into a float32 oneHot. on·y + off·(1 − y) keeps both values exact, y being 0 or 1.
 */
export function oneHotFloat(indices: tf.Tensor, depth: number, on = 1, off = 0): tf.Tensor {
  const y = tf.cast(tf.oneHot(indices, depth), 'float32');
  if (on === 1 && off === 0) return y;
  return tf.add(tf.mul(y, on), tf.mul(tf.sub(1, y), off));
}

/** Checks labels and logits together (see `checkPredictions`, `checkLabels`); returns the logits typed. */
export function checkInputs(fnName: string, labels: tf.Tensor, logits: tf.Tensor): tf.Tensor2D {
  const predictions = checkPredictions(fnName, logits);
  checkLabels(fnName, labels, predictions);
  return predictions;
}

/**
 * The target distribution y of a batch, built lazily from class indices or taken as given.
 * Create it inside `tf.tidy`: the tensors it makes belong to the enclosing scope.
 */
export class Targets {
  private denseCache: tf.Tensor | undefined;

  /** `labels` must have passed `checkLabels` against logits with `numClasses` columns. */
  constructor(
    private readonly labels: tf.Tensor,
    private readonly numClasses: number,
  ) {}

  /** y as float32 [N, K]. */
  dense(): tf.Tensor {
    this.denseCache ??= this.isIndices() ? oneHotFloat(this.labels, this.numClasses) : tf.cast(this.labels, 'float32');
    return this.denseCache;
  }

  /**
   * ln(y + eps). From indices the two values ln(1 + eps) and ln(eps) are computed in float64
   * and placed by a one-hot, so the ln(1 + eps) term is exact rather than rounded through 1 + eps.
   */
  logPlus(eps: number): tf.Tensor {
    if (this.isIndices()) {
      return oneHotFloat(this.labels, this.numClasses, Math.log1p(eps), Math.log(eps));
    }
    return tf.log(tf.add(this.dense(), eps));
  }

  /** max(ln y, logZero): the log of the labels with log 0 replaced by `logZero` (< 0). */
  logClipped(logZero: number): tf.Tensor {
    if (this.isIndices()) {
      return oneHotFloat(this.labels, this.numClasses, 0, logZero);
    }
    return tf.maximum(tf.log(this.dense()), logZero);
  }

  private isIndices(): boolean {
    return this.labels.rank === 1;
  }
}

/**
 * The pieces of a precise log-softmax of [N, K] logits: z − max, exp(z − max), a mask that is 0
 * on one maximal entry per row, and s = the sum of exp(z − max) over the other entries. Then
 * ln p = (z − max) − log1p(s) and p = exp(z − max) / (1 + s), to float32 precision also where p
 * is close to 1 (tfjs' logSoftmax rounds 1 + s, which loses s below ~6e-8).
 */
export function logSoftmaxParts(logits: tf.Tensor2D): { shifted: tf.Tensor; exps: tf.Tensor; notTop: tf.Tensor; rest: tf.Tensor } {
  const shifted = tf.sub(logits, tf.max(logits, 1, true));
  const exps = tf.exp(shifted);
  // One maximal entry per row even when several tie, so that s counts the others.
  const notTop = oneHotFloat(tf.argMax(logits, 1), logits.shape[1], 0, 1);
  return { shifted, exps, notTop, rest: tf.sum(tf.mul(exps, notTop), 1, true) };
}

/**
 * Log-softmax over the last axis of [N, K] logits, precise also where p is close to 1 (see
 * `logSoftmaxParts`). The gradient is the usual dy − (Σ dy)·p, written out so that ties at the
 * maximum cannot misroute it.
 */
const logSoftmax = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [logits, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  const { shifted, rest } = logSoftmaxParts(logits);
  const value = tf.sub(shifted, tf.log1p(rest));
  save([value]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.sub(dy, tf.mul(tf.sum(dy, 1, true), tf.exp(saved as tf.Tensor))),
  };
});

/**
 * The hypothesis p = softmax(z) of a batch and the logs the losses need, each computed once
 * and only when asked. Create it inside `tf.tidy`. Its values differentiate by tfjs' registered
 * gradients (the paper's losses from logits use `paperLossFromLogits` instead).
 *
 * From logits nothing ever takes log(softmax(z)): ln p is a log-sum-exp log-softmax and p is
 * exp(ln p), which never overflows. All values and gradients stay finite for finite logits.
 */
export class Hypothesis {
  private logProbsCache: tf.Tensor | undefined;
  private probsCache: tf.Tensor | undefined;

  /** `predictions` are logits, or probabilities when `fromProbabilities`. */
  constructor(
    private readonly predictions: tf.Tensor2D,
    private readonly fromProbabilities: boolean,
  ) {}

  /** p, in [0, 1]. */
  probs(): tf.Tensor {
    this.probsCache ??= this.fromProbabilities ? tf.clipByValue(this.predictions, 0, 1) : tf.exp(this.logProbs());
    return this.probsCache;
  }

  /** ln p: log-softmax of the logits, or ln max(p, PROBABILITY_FLOOR) of given probabilities. */
  logProbs(): tf.Tensor {
    this.logProbsCache ??= this.fromProbabilities
      ? tf.log(tf.clipByValue(this.predictions, PROBABILITY_FLOOR, 1))
      : logSoftmax(this.predictions);
    return this.logProbsCache;
  }

  /** 1 − p; from logits as −expm1(ln p), which keeps its precision when p is close to 1. */
  complement(): tf.Tensor {
    return this.fromProbabilities ? tf.sub(1, this.probs()) : tf.neg(tf.expm1(this.logProbs()));
  }
}

/**
 * The mean over the batch of the per-example losses `perExample` makes, which every loss returns (each example's
 * terms summed first, so float32 sums stay short). The per-example tensor is freed; gradients flow through.
 */
export function batchMean(perExample: () => tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean<tf.Scalar>(perExample()));
}
