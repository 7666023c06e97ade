/**
 * @mixent/data: EMNIST-Letters for mixent.
 * IDX parsing (any IDX file, gzip or not, whole or streamed), the EMNIST-Letters loader
 * (upright images, class indices 0..25), verified download and cache of the official files,
 * the embedded sample, the reference augmentation, seeded batches, and tensor helpers.
 */

// Everything that runs in a browser too (see browser.ts).
export * from './browser.js';

// IDX files from disk and gzip through node:zlib, whole or streamed (Node only).
export { gunzipIdx, parseIdx } from './idx-gzip.js';
export { parseIdxStream, readIdxFile } from './idx-stream.js';
export { readLetterSet } from './letter-files.js';

// Official files: checksums, download, cache (Node only)
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

// The embedded sample from disk, and dataset selection (Node only)
export { SAMPLE_DIR, loadLetters, loadSample, readSampleManifest } from './sample.js';
