import { type AugmentOptions, augmentImage } from './augment.js';
import { IMAGE_PIXELS, type LetterSet, imageAt } from './emnist.js';
import type { Rng } from './rng.js';

/**
 * The mean the reference subtracts from pixels scaled to [0, 1]: MNIST's (0.1307), which the reference reuses for
 * EMNIST-Letters (whose own mean is nearer 0.17). Kept, because the recipe is the reference's.
 */
export const PIXEL_MEAN = 0.1307;
/** The standard deviation the reference divides by: MNIST's (0.3081), reused for EMNIST-Letters as PIXEL_MEAN is. */
export const PIXEL_STD = 0.3081;

/** Scales 0..255 pixels to [0, 1] and normalizes them: (p / 255 - 0.1307) / 0.3081. */
export function normalizePixels(pixels: Uint8Array, out = new Float32Array(pixels.length)): Float32Array {
  for (let i = 0; i < pixels.length; i++) out[i] = ((pixels[i] as number) / 255 - PIXEL_MEAN) / PIXEL_STD;
  return out;
}

/** One mini-batch, ready for a model: normalized upright pixels and class indices. */
export interface Batch {
  /** size · 28 · 28 normalized pixels, row-major (NHWC with one channel). */
  images: Float32Array;
  /** size class indices. */
  labels: Int32Array;
  /** Index in the set of each example, for per-example bookkeeping. */
  indices: Int32Array;
  /** Number of examples. */
  size: number;
}

/** Options of batches(). */
export interface BatchOptions {
  /** Examples per batch (the reference uses 100 for training, 1000 for testing). */
  batchSize: number;
  /** Draws the order and the augmentation; without it the order is the set's and nothing is augmented. */
  rng?: Rng;
  /** Shuffle the order each pass (needs rng; default true when rng is given). */
  shuffle?: boolean;
  /** Apply the reference augmentation (needs rng; default false). An object sets its parameters. */
  augment?: boolean | AugmentOptions;
  /** Drop a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

/**
 * One pass over a set in mini-batches. Everything random comes from `rng`, in a fixed
 * order (the shuffle first, then each image's augmentation in batch order), so a seed
 * fixes every batch.
 */
export function* batches(set: LetterSet, options: BatchOptions): Generator<Batch> {
  const { batchSize, rng, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  const shuffle = options.shuffle ?? rng !== undefined;
  const augment = options.augment ?? false;
  if ((shuffle || augment) && rng === undefined) throw new Error('batches: shuffle and augment need an rng');
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  if (shuffle) (rng as Rng).shuffle(order);
  const augmentOptions = typeof augment === 'object' ? augment : {};
  for (let start = 0; start < set.count; start += batchSize) {
    const size = Math.min(batchSize, set.count - start);
    if (size < batchSize && dropLast) return;
    const images = new Float32Array(size * IMAGE_PIXELS);
    const labels = new Int32Array(size);
    const indices = order.slice(start, start + size);
    for (let k = 0; k < size; k++) {
      const i = indices[k] as number;
      const pixels = augment ? augmentImage(imageAt(set, i), rng as Rng, augmentOptions) : imageAt(set, i);
      normalizePixels(pixels, images.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS));
      labels[k] = set.labels[i] as number;
    }
    yield { images, labels, indices, size };
  }
}
