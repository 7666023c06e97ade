/** The default eps inside the paper's logs, log_b(p + eps). */
export const DEFAULT_EPS = 1e-6;

/** The numeric settings of MIN-ENT or MIX-ENT: weights, log bases and eps. */
export interface PaperSettings {
  readonly w1: number;
  readonly w2: number;
  readonly b1: number;
  readonly b2: number;
  readonly eps: number;
}

/** The defaults of `minEntropyLoss` and `mixEntropyLoss`: unit weights, natural logs. */
export const PAPER_DEFAULTS: PaperSettings = Object.freeze({ w1: 1, w2: 1, b1: Math.E, b2: Math.E, eps: DEFAULT_EPS });

/**
 * The MIN-ENT settings published with the paper's checkpoint (arXiv 2501.13709). w1 and w2 are
 * the values the author's learnable weights ended at; here they are used as fixed weights.
 */
export const MIN_ENT_PRESET: PaperSettings = Object.freeze({ w1: 0.839, w2: 0.308, b1: 2.02, b2: 10.73, eps: DEFAULT_EPS });

/**
 * The MIX-ENT settings published with the paper's checkpoint (arXiv 2501.13709). w1 and w2 are
 * the values the author's learnable weights ended at; here they are used as fixed weights.
 */
export const MIX_ENT_PRESET: PaperSettings = Object.freeze({ w1: 0.717, w2: 0.943, b1: 12.58, b2: 12.45, eps: DEFAULT_EPS });
