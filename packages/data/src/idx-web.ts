import { type IdxFile, type IdxSource, corruptGzipError, isGzip, parseInflatedIdx } from './idx.js';

// IDX from bytes with the web platform's own gzip (DecompressionStream): browsers, and Node 18 or newer.

/** Inflates gzip bytes with DecompressionStream; a corrupt or truncated stream is an IdxFormatError naming the file. */
export async function inflateGzip(bytes: Uint8Array, source: IdxSource = {}): Promise<Uint8Array> {
  const inflated = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return new Uint8Array(await new Response(inflated).arrayBuffer());
  } catch (error) {
    throw corruptGzipError(source, error);
  }
}

/** Parses an IDX file, gzip-compressed or not, as parseIdx does, but inflating with DecompressionStream. */
export async function decodeIdx(bytes: Uint8Array, source: IdxSource = {}): Promise<IdxFile> {
  return parseInflatedIdx(isGzip(bytes) ? await inflateGzip(bytes, source) : bytes, source);
}
