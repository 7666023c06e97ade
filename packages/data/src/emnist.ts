import type { IdxFile } from './idx.js';

/** Side of an EMNIST image, in pixels. */
export const IMAGE_SIZE = 28;
/** Pixels per EMNIST image. */
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** The 26 letters, in class-index order: class c is LETTERS[c]. */
export const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** Number of letter classes that can be targets. */
export const NUM_LETTER_CLASSES = 26;
/**
 * Output width of the reference models: the SpinalNet script keeps EMNIST's 62-class head
 * (digits and both cases) for Letters, so class indices 0..25 use the first 26 outputs and
 * outputs 26..61 are never targets.
 */
export const REFERENCE_NUM_OUTPUTS = 62;

/**
 * EMNIST-Letters labels run 1..26 (torchvision names 27 classes, index 0 unused).
 * mixent uses class index = label - 1, so 'a' is class 0 and 'z' class 25.
 */
export function letterLabelToClass(label: number): number {
  return label - 1;
}

/** The letter of a class index (0 → 'a'). */
export function classToLetter(classIndex: number): string {
  const letter = LETTERS[classIndex];
  if (letter === undefined) throw new RangeError(`class index ${classIndex} is outside 0..${NUM_LETTER_CLASSES - 1}`);
  return letter;
}

/** A set of upright 28×28 grey images with their class indices. */
export interface LetterSet {
  /** count · 28 · 28 pixels, 0..255, row-major, each image upright (not EMNIST's transposed layout). */
  images: Uint8Array;
  /** count class indices, 0..25 (label - 1). */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
}

/** Names of the two files a LetterSet was read from, for error messages. */
export interface LetterSetFiles {
  images?: string;
  labels?: string;
}

/**
 * Pairs parsed EMNIST-Letters images and labels: checks the shapes and the count, transposes
 * every image to upright and maps labels 1..26 to class indices 0..25.
 */
export function letterSetFromIdx(images: IdxFile, labels: IdxFile, files: LetterSetFiles = {}): LetterSet {
  const imagesName = files.images ?? '<images>';
  const labelsName = files.labels ?? '<labels>';
  if (images.type !== 'uint8' || images.dims.length !== 3 || images.dims[1] !== IMAGE_SIZE || images.dims[2] !== IMAGE_SIZE) {
    throw new Error(`${imagesName}: expected uint8 images of dims [N, 28, 28], found ${images.type} [${images.dims.join(', ')}]`);
  }
  if (labels.type !== 'uint8' || labels.dims.length !== 1) {
    throw new Error(`${labelsName}: expected uint8 labels of dims [N], found ${labels.type} [${labels.dims.join(', ')}]`);
  }
  if (images.count !== labels.count) {
    throw new Error(`${imagesName} holds ${images.count} images but ${labelsName} holds ${labels.count} labels`);
  }
  const classes = new Uint8Array(labels.count);
  labels.data.forEach((label, i) => {
    if (label < 1 || label > NUM_LETTER_CLASSES) {
      throw new Error(`${labelsName}: label ${label} at index ${i} is outside 1..${NUM_LETTER_CLASSES}`);
    }
    classes[i] = letterLabelToClass(label);
  });
  return { images: transposeImages(images.data as Uint8Array, images.count), labels: classes, count: images.count };
}

/** Transposes each 28×28 image: EMNIST stores images column-major relative to MNIST. */
export function transposeImages(pixels: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count * IMAGE_PIXELS);
  for (let n = 0; n < count; n++) {
    const base = n * IMAGE_PIXELS;
    for (let r = 0; r < IMAGE_SIZE; r++) {
      for (let c = 0; c < IMAGE_SIZE; c++) out[base + r * IMAGE_SIZE + c] = pixels[base + c * IMAGE_SIZE + r] as number;
    }
  }
  return out;
}

/** The pixels of image i of a set (a view, not a copy). */
export function imageAt(set: LetterSet, i: number): Uint8Array {
  if (!Number.isInteger(i) || i < 0 || i >= set.count) throw new RangeError(`image index ${i} is outside 0..${set.count - 1}`);
  return set.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
}

/** Number of images of each class index 0..25. */
export function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(NUM_LETTER_CLASSES).fill(0);
  for (const label of labels) counts[label] = (counts[label] as number) + 1;
  return counts;
}
