import { resolveWidths } from './widths.js';

/** Options shared by every model builder. Omitted fields take their value from `DEFAULT_MODEL_OPTIONS`. */
export interface ModelOptions {
  /** Output units (logits). The reference uses 62 although only 26 letters are ever targets; 26 is allowed. */
  numClasses?: number;
  /** Drop probability of every Dropout layer, in [0, 1). */
  dropout?: number;
  /** Seed of the weight initializers; each weight derives its own seed from it. A non-negative integer. */
  seed?: number;
  /**
   * Scales every channel and hidden width to round(m·w), for quick runs on CPU. It is part of the
   * model's name, so a narrower model cannot pass for the reference one (`widthMultiplier` 1).
   */
  widthMultiplier?: number;
}

/** Model options with every field filled in. */
export type ResolvedModelOptions = Readonly<Required<ModelOptions>>;

/** The reference values: 62 classes, dropout 0.5, full width. The seed is fixed so builds are reproducible. */
export const DEFAULT_MODEL_OPTIONS: ResolvedModelOptions = Object.freeze({
  numClasses: 62,
  dropout: 0.5,
  seed: 0,
  widthMultiplier: 1,
});

const KNOWN_FIELDS = new Set(Object.keys(DEFAULT_MODEL_OPTIONS));

/**
 * Copies the options, fills in defaults (for omitted or undefined fields) and checks every field. Throws one error that names each
 * bad field (and each unknown one, so that a misspelt config key is not silently ignored).
 */
export function validateModelOptions(options: ModelOptions = {}): ResolvedModelOptions {
  // An explicit undefined means "the default", as an omitted field does.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: Required<ModelOptions> = { ...DEFAULT_MODEL_OPTIONS, ...given };
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!KNOWN_FIELDS.has(key)) problems.push(`${key}: unknown option`);
  }
  const { numClasses, dropout, seed, widthMultiplier } = resolved;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    problems.push(`numClasses: must be an integer >= 2 (got ${String(numClasses)})`);
  }
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    problems.push(`dropout: must be a number in [0, 1) (got ${String(dropout)})`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    problems.push(`seed: must be a non-negative safe integer (got ${String(seed)})`);
  }
  if (typeof widthMultiplier !== 'number' || !Number.isFinite(widthMultiplier) || widthMultiplier <= 0) {
    problems.push(`widthMultiplier: must be a finite number > 0 (got ${String(widthMultiplier)})`);
  } else {
    const widths = resolveWidths(widthMultiplier);
    const smallest = Math.min(...widths.blocks.flat(), widths.vggHidden, widths.spinalWidth);
    if (smallest < 1) {
      problems.push(`widthMultiplier: ${widthMultiplier} makes a layer 0 wide (the narrowest, 64, becomes ${smallest})`);
    } else if (widths.features % 2 !== 0) {
      problems.push(
        `widthMultiplier: ${widthMultiplier} makes the 256 features ${widths.features} wide, ` +
          'which the Spinal head cannot split into two equal halves',
      );
    }
  }
  if (problems.length > 0) throw new Error(`Invalid model options: ${problems.join('; ')}`);
  return Object.freeze(resolved);
}
