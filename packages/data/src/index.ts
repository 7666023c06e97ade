/**
 * @mixent/data: EMNIST-Letters for mixent.
 * IDX parsing (any IDX file, gzip or not, whole or streamed), the EMNIST-Letters loader
 * (upright images, class indices 0..25), verified download and cache of the official files,
 * the embedded sample, the reference augmentation, seeded batches, and tensor helpers.
 */

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
export { gunzipIdx, parseIdx } from './idx-gzip.js';
export { decodeIdx, inflateGzip } from './idx-web.js';
export { parseIdxStream, readIdxFile } from './idx-stream.js';

// EMNIST-Letters
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
export { readLetterSet } from './letter-files.js';
export { SAMPLE_FILES, fetchLetterSet, loadSampleFromUrl } from './letter-urls.js';

// Subsets
export { selectExamples, stratifiedSplit, type StratifiedSplit } from './subsets.js';

// Official files: checksums, download, cache
export {
  OFFICIAL_FILES,
  describeCheck,
  sha256Bytes,
  sha256File,
  verifyFiles,
  type ChecksummedFile,
  type FileCheck,
  type OfficialFileKey,
} from './checksums.js';
export {
  ChecksumError,
  DownloadError,
  EMNIST_ZIP_URL,
  emnistCacheDir,
  fetchEmnistLetters,
  type FetchOptions,
  type FetchResult,
} from './fetch.js';

// The embedded sample and dataset selection
export {
  SAMPLE_DIR,
  loadLetters,
  loadSample,
  readSampleManifest,
  type DatasetName,
  type SampleFileEntry,
  type SampleManifest,
  type SampleSplit,
} from './sample.js';

// Randomness, augmentation, batches, tensors
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
