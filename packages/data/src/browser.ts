// What runs in a browser: everything but the file system, the download and cache of the official files, and the
// command line. Bundlers that target browsers get this module for '@mixent/data' (the "browser" export
// condition); Node gets index.ts. IDX files are inflated with DecompressionStream, and the sample is loaded by URL.

// IDX format
export {
  IDX_MAX_BYTES,
  IDX_MAX_RANK,
  IDX_TYPES,
  IdxFormatError,
  encodeIdx,
  isGzip,
  parseInflatedIdx,
  readIdxHeader,
  type IdxData,
  type IdxFile,
  type IdxHeader,
  type IdxSource,
  type IdxTypeCode,
  type IdxTypeName,
} from './idx.js';
export { decodeIdx, inflateGzip } from './idx-web.js';

// EMNIST-Letters, and the sample by URL
export {
  IMAGE_PIXELS,
  IMAGE_SIZE,
  LETTERS,
  NUM_LETTER_CLASSES,
  REFERENCE_NUM_OUTPUTS,
  classCounts,
  classToLetter,
  imageAt,
  letterLabelToClass,
  letterSetFromIdx,
  transposeImages,
  type LetterSet,
  type LetterSetFiles,
} from './emnist.js';
export { SAMPLE_FILES, fetchLetterSet, loadSampleFromUrl } from './letter-urls.js';
export type { DatasetName, SampleFileEntry, SampleManifest, SampleSplit } from './sample.js';

// Subsets, randomness, augmentation, batches, tensors
export { selectExamples, stratifiedSplit, type StratifiedSplit } from './subsets.js';
export { Rng, type RngState } from './rng.js';
export {
  augmentImage,
  perspectiveCoefficients,
  randomPerspectivePoints,
  rotateImage,
  warpPerspective,
  type AugmentOptions,
  type Point,
} from './augment.js';
export { PIXEL_MEAN, PIXEL_STD, batches, normalizePixels, type Batch, type BatchOptions } from './batches.js';
export { batchToTensors, type BatchTensors } from './tensors.js';
