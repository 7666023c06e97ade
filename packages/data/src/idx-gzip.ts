import { gunzipSync } from 'node:zlib';
import { type IdxFile, type IdxSource, corruptGzipError, isGzip, parseInflatedIdx } from './idx.js';

/** Inflates gzip bytes, turning zlib's failures into an IdxFormatError that names the file. */
export function gunzipIdx(bytes: Uint8Array, source: IdxSource = {}): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw corruptGzipError(source, error);
  }
}

/**
 * Parses an IDX file, gzip-compressed or not (gzip is detected by its magic), synchronously with Node's zlib.
 * uint8 and int8 data are views into the (inflated) bytes, not copies.
 */
export function parseIdx(bytes: Uint8Array, source: IdxSource = {}): IdxFile {
  return parseInflatedIdx(isGzip(bytes) ? gunzipIdx(bytes, source) : bytes, source);
}
