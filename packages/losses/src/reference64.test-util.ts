// A float64 reference of every loss, for the tests only: plain JS numbers, no tfjs, written from
// the formulas of PAPER.md and of the comparison losses' papers, independently of the package.

/** Rows of numbers: a batch of logits, probabilities or labels. */
export type Matrix = number[][];

/** p and ln p of a batch, in float64. */
export interface Hypothesis64 {
  readonly p: Matrix;
  readonly logp: Matrix;
}

/** log-softmax of one row by log-sum-exp: z − max − ln Σ exp(z − max). */
export function logSoftmax64(row: readonly number[]): number[] {
  const max = Math.max(...row);
  let sum = 0;
  for (const z of row) sum += Math.exp(z - max);
  const logSum = max + Math.log(sum);
  return row.map((z) => z - logSum);
}

/** The hypothesis of logits: p = softmax(z), ln p = log-softmax(z). */
export function fromLogits64(logits: Matrix): Hypothesis64 {
  const logp = logits.map(logSoftmax64);
  return { p: logp.map((row) => row.map(Math.exp)), logp };
}

/** The hypothesis of given probabilities, with the package's documented floor for ln p. */
export function fromProbabilities64(probabilities: Matrix, floor: number): Hypothesis64 {
  const p = probabilities.map((row) => row.map((v) => Math.min(Math.max(v, 0), 1)));
  return { p, logp: p.map((row) => row.map((v) => Math.log(Math.max(v, floor)))) };
}

function meanOfRows(rows: Matrix, term: (n: number, k: number) => number): number {
  let total = 0;
  rows.forEach((row, n) => {
    let rowSum = 0;
    row.forEach((_, k) => (rowSum += term(n, k)));
    total += rowSum;
  });
  return total / rows.length;
}

/** ln(p + eps), or ln p when eps is 0 (as the formulas read with eps = 0). */
function logPlus(h: Hypothesis64, n: number, k: number, eps: number): number {
  return eps === 0 ? h.logp[n]![k]! : Math.log(h.p[n]![k]! + eps);
}

/** CE_b(y, p) = −Σ_k y_k log_b(p_k + eps), batch mean. */
export function crossEntropy64(y: Matrix, h: Hypothesis64, base: number, eps: number): number {
  return meanOfRows(y, (n, k) => -y[n]![k]! * logPlus(h, n, k, eps)) / Math.log(base);
}

/** H_b(p) = −Σ_k p_k log_b(p_k + eps), batch mean. */
export function entropy64(h: Hypothesis64, base: number, eps: number): number {
  return meanOfRows(h.p, (n, k) => -h.p[n]![k]! * logPlus(h, n, k, eps)) / Math.log(base);
}

/** CE_b(p, y) = −Σ_k p_k log_b(y_k + eps), batch mean. */
export function swappedCrossEntropy64(y: Matrix, h: Hypothesis64, base: number, eps: number): number {
  return meanOfRows(y, (n, k) => -h.p[n]![k]! * Math.log(y[n]![k]! + eps)) / Math.log(base);
}

/** The weights, bases and eps of MIN-ENT / MIX-ENT. */
export interface PaperOptions64 {
  w1: number;
  w2: number;
  b1: number;
  b2: number;
  eps: number;
}

/** MIN-ENT = w1 · CE_b1(y, p) + w2 · H_b2(p). */
export function minEntropy64(y: Matrix, h: Hypothesis64, o: PaperOptions64): number {
  return o.w1 * crossEntropy64(y, h, o.b1, o.eps) + o.w2 * entropy64(h, o.b2, o.eps);
}

/** MIX-ENT = w1 · CE_b1(y, p) + w2 · CE_b2(p, y). */
export function mixEntropy64(y: Matrix, h: Hypothesis64, o: PaperOptions64): number {
  return o.w1 * crossEntropy64(y, h, o.b1, o.eps) + o.w2 * swappedCrossEntropy64(y, h, o.b2, o.eps);
}

/** SCE = α·CE + β·RCE, RCE = −Σ_k p_k max(ln y_k, A). */
export function symmetricCrossEntropy64(y: Matrix, h: Hypothesis64, alpha: number, beta: number, logZero: number): number {
  const reverse = meanOfRows(y, (n, k) => -h.p[n]![k]! * Math.max(Math.log(y[n]![k]!), logZero));
  return alpha * crossEntropy64(y, h, Math.E, 0) + beta * reverse;
}

/** CE − β·H(p), natural logs without eps. */
export function confidencePenalty64(y: Matrix, h: Hypothesis64, beta: number): number {
  return crossEntropy64(y, h, Math.E, 0) - beta * entropy64(h, Math.E, 0);
}

/** −Σ_k q_k ln p_k with q = (1 − ε)·y + ε/K. */
export function labelSmoothing64(y: Matrix, h: Hypothesis64, smoothing: number): number {
  return meanOfRows(y, (n, k) => -((1 - smoothing) * y[n]![k]! + smoothing / y[n]!.length) * h.logp[n]![k]!);
}

/** −α Σ_k y_k (1 − p_k)^γ ln p_k. */
export function focal64(y: Matrix, h: Hypothesis64, gamma: number, alpha: number): number {
  return meanOfRows(y, (n, k) => -alpha * y[n]![k]! * Math.pow(1 - h.p[n]![k]!, gamma) * h.logp[n]![k]!);
}

/** CE + ε1·(1 − p_t), p_t = Σ_k y_k p_k. */
export function poly164(y: Matrix, h: Hypothesis64, epsilon: number): number {
  const trueProbability = (row: number[], n: number): number => row.reduce((s, v, k) => s + v * h.p[n]![k]!, 0);
  const complement = y.reduce((s, row, n) => s + 1 - trueProbability(row, n), 0) / y.length;
  return crossEntropy64(y, h, Math.E, 0) + epsilon * complement;
}

/**
 * Central finite differences of `f` at `logits`, in float64: (f(z + h·e) − f(z − h·e)) / 2h.
 * The losses are smooth in the logits with derivatives of order 1, so h = 1e-4 leaves a
 * truncation error near 1e-9 and a rounding error near 1e-12.
 */
export function finiteDifferenceGradient(f: (logits: Matrix) => number, logits: Matrix, h = 1e-4): Matrix {
  return logits.map((row, n) =>
    row.map((_, k) => {
      const shifted = (delta: number): number => f(logits.map((r, i) => (i === n ? r.map((v, j) => (j === k ? v + delta : v)) : r)));
      return (shifted(h) - shifted(-h)) / (2 * h);
    }),
  );
}

/** A seeded uniform generator in [0, 1) (mulberry32), so every random case can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How the labels of a random case are written. */
export type LabelKind = 'indices' | 'one-hot' | 'soft';

/** A random batch; every number is already rounded to float32, as the tensors will hold it. */
export interface RandomCase {
  logits: Matrix;
  indices: number[];
  /** The labels as a dense matrix: one-hot for 'indices' and 'one-hot', random for 'soft'. */
  dense: Matrix;
  kind: LabelKind;
}

/** Draws a batch of N×K logits, normal with standard deviation `scale`, and labels of `kind`. */
export function randomCase(random: () => number, n: number, k: number, scale: number, kind: LabelKind): RandomCase {
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const logits = Array.from({ length: n }, () => Array.from({ length: k }, () => Math.fround(scale * normal())));
  const indices = Array.from({ length: n }, () => Math.floor(random() * k));
  const dense =
    kind === 'soft'
      ? Array.from({ length: n }, () => {
          const raw = Array.from({ length: k }, () => random() ** 3);
          const total = raw.reduce((s, v) => s + v, 0);
          return raw.map((v) => Math.fround(v / total));
        })
      : indices.map((c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0)));
  return { logits, indices, dense, kind };
}

/** The largest |a − b| / (|b| + floor) over two matrices, the figure the tests bound and print. */
export function worstRelativeError(actual: Matrix, expected: Matrix, floor: number): number {
  let worst = 0;
  expected.forEach((row, n) =>
    row.forEach((e, k) => {
      worst = Math.max(worst, Math.abs(actual[n]![k]! - e) / (Math.abs(e) + floor));
    }),
  );
  return worst;
}
