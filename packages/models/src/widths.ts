/** Channel widths of the four convolutional blocks of the reference ("VGG-5"). */
export const REFERENCE_BLOCKS: readonly (readonly number[])[] = Object.freeze([
  Object.freeze([64, 64]),
  Object.freeze([128, 128]),
  Object.freeze([256, 256, 256]),
  Object.freeze([256, 256, 256]),
]);

/** Hidden width of the VGG head (Linear(256, 512)). */
export const REFERENCE_VGG_HIDDEN = 512;

/** Width of each Spinal layer of the Spinal head. */
export const REFERENCE_SPINAL_WIDTH = 128;

/** Every width of a model after scaling by its width multiplier. */
export interface ModelWidths {
  /** Output channels of each convolution, block by block. */
  readonly blocks: readonly (readonly number[])[];
  /** Width of the flattened features (the last block's channels: the map is 1×1). */
  readonly features: number;
  /** Hidden units of the VGG head. */
  readonly vggHidden: number;
  /** Size of each half of the features that the Spinal head reads. */
  readonly spinalHalf: number;
  /** Units of each Spinal layer. */
  readonly spinalWidth: number;
}

/** Scales a reference width: round(m·w), the rule every width follows. */
export function scaleWidth(width: number, widthMultiplier: number): number {
  return Math.round(width * widthMultiplier);
}

/**
 * Computes every width of a model for a width multiplier. It does not validate:
 * `validateModelOptions` rejects multipliers that give a zero or odd width.
 */
export function resolveWidths(widthMultiplier: number): ModelWidths {
  const blocks = REFERENCE_BLOCKS.map((block) => block.map((w) => scaleWidth(w, widthMultiplier)));
  const lastBlock = blocks[blocks.length - 1] ?? [];
  const features = lastBlock[lastBlock.length - 1] ?? 0;
  return {
    blocks,
    features,
    vggHidden: scaleWidth(REFERENCE_VGG_HIDDEN, widthMultiplier),
    // The reference splits its 256 features at 128: the split stays at half of the scaled width.
    spinalHalf: features / 2,
    spinalWidth: scaleWidth(REFERENCE_SPINAL_WIDTH, widthMultiplier),
  };
}

/**
 * The name of a model: its registry name and its width multiplier, e.g. `vgg5-w1`, `spinal-vgg-w0.125`.
 * The width is always spelled out, so a result from a narrower model cannot pass for the reference one.
 */
export function modelName(architecture: string, widthMultiplier: number): string {
  return `${architecture}-w${widthMultiplier}`;
}
