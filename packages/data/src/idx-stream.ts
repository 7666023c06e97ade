import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { isSystemError } from '@mixent/node-io';
import {
  type IdxFile,
  type IdxHeader,
  type IdxSource,
  IdxFormatError,
  corruptGzipError,
  idxFileOf,
  isGzip,
  readIdxHeader,
  truncatedHeader,
} from './idx.js';

/**
 * Parses an IDX file from a stream of chunks (a Node Readable, a web stream, any async iterable),
 * inflating gzip on the fly. Neither the compressed file nor a concatenation of chunks is ever held whole,
 * which is what large files need: memory holds the data once (twice while elements wider than a byte are
 * decoded from big-endian).
 */
export async function parseIdxStream(chunks: AsyncIterable<Uint8Array>, source: IdxSource = {}): Promise<IdxFile> {
  let pending: Uint8Array = new Uint8Array(0);
  let header: IdxHeader | undefined;
  let body: Uint8Array | undefined;
  let filled = 0;
  let total = 0;
  for await (const chunk of inflateIfGzip(chunks, source)) {
    total += chunk.length;
    let bytes: Uint8Array = chunk;
    if (header === undefined) {
      pending = concat(pending, chunk);
      header = readIdxHeader(pending, source);
      if (header === undefined) continue;
      body = new Uint8Array(header.elements * header.elementBytes);
      bytes = pending.subarray(header.headerBytes);
      pending = new Uint8Array(0);
    }
    const target = body as Uint8Array;
    if (filled + bytes.length > target.length) {
      const expected = header.headerBytes + target.length;
      throw new IdxFormatError(
        source.file,
        expected,
        `trailing bytes after the data of dims [${header.dims.join(', ')}] (${expected} bytes expected)`,
      );
    }
    target.set(bytes, filled);
    filled += bytes.length;
  }
  if (header === undefined) throw truncatedHeader(pending, source);
  const expected = header.headerBytes + header.elements * header.elementBytes;
  if (filled < (body as Uint8Array).length) {
    throw new IdxFormatError(
      source.file,
      total,
      `truncated data: dims [${header.dims.join(', ')}] of ${header.type} need ${expected} bytes, found ${total}`,
    );
  }
  return idxFileOf(header, body as Uint8Array);
}

/** Reads and parses an IDX file (gzip or not) from disk by streaming; errors name the path. */
export async function readIdxFile(path: string): Promise<IdxFile> {
  try {
    return await parseIdxStream(createReadStream(path, { highWaterMark: 1 << 20 }), { file: path });
  } catch (error) {
    // Node's messages name the path on open (ENOENT) but not on read (EISDIR, EIO).
    if (isSystemError(error) && !error.message.includes(path))
      throw new Error(`${path}: cannot read it (${error.message})`, { cause: error });
    throw error;
  }
}

/** Passes chunks through unchanged, or through gunzip when the first bytes are the gzip magic. */
async function* inflateIfGzip(chunks: AsyncIterable<Uint8Array>, source: IdxSource): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  let head: Uint8Array = new Uint8Array(0);
  // Two bytes decide; a first chunk of one byte is legal in a stream.
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head = concat(head, next.value);
  }
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => iterator };
  if (!isGzip(head)) {
    if (head.length > 0) yield head;
    yield* rest;
    return;
  }
  const gunzip = createGunzip();
  const compressed = Readable.from(
    (async function* () {
      yield head;
      yield* rest;
    })(),
  );
  // pipeline, not pipe: a failing source (an unreadable file) must reach the reader below.
  pipeline(compressed, gunzip, () => {});
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw corruptGzipError(source, error);
    }
    throw error;
  } finally {
    gunzip.destroy();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
