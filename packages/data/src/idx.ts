/**
 * IDX files (LeCun's MNIST format): a big-endian header `00 00 TT NN`, where TT is the element
 * type and NN the number of dimensions, then NN big-endian uint32 sizes, then the elements.
 */

/** The element types of the IDX format, by the code in the magic's third byte. */
export const IDX_TYPES = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
} as const;

/** Code of an IDX element type (third byte of the magic). */
export type IdxTypeCode = keyof typeof IDX_TYPES;
/** Name of an IDX element type. */
export type IdxTypeName = (typeof IDX_TYPES)[IdxTypeCode]['name'];
/** The typed array that holds the elements of each IDX type. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file. */
export interface IdxFile {
  /** The 32-bit magic number, e.g. 0x00000803 for uint8 images of rank 3. */
  magic: number;
  /** The element type. */
  type: IdxTypeName;
  /** Sizes of each dimension, the first being the number of records. */
  dims: number[];
  /** Number of records (dims[0]). */
  count: number;
  /** The elements in row-major order, in native byte order. */
  data: IdxData;
}

/** Where an IDX defect was found, for error messages. */
export interface IdxSource {
  /** The file's name or path, when known: it is named in every error. */
  file?: string;
}

/** The largest rank accepted: IDX allows 255, but no real data set has more than a handful. */
export const IDX_MAX_RANK = 8;
/** The largest data section accepted, in bytes (2^31 − 1): a header that claims more is refused before any allocation. */
export const IDX_MAX_BYTES = 2 ** 31 - 1;

/** A defect in an IDX file; the message names the file (when known), the byte offset and what was expected. */
export class IdxFormatError extends Error {
  override readonly name = 'IdxFormatError';
  constructor(
    readonly file: string | undefined,
    readonly offset: number | undefined,
    readonly problem: string,
  ) {
    const where = [file ?? '<bytes>', offset === undefined ? undefined : `byte ${offset}`].filter((part) => part !== undefined).join(', ');
    super(`${where}: ${problem}`);
  }
}

/** The error for gzip data that an inflater (zlib or DecompressionStream) refused: the file, and the inflater's reason. */
export function corruptGzipError(source: IdxSource, error: unknown): IdxFormatError {
  return new IdxFormatError(source.file, undefined, `corrupt gzip data (${(error as Error).message})`);
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** True when the bytes start with the gzip magic (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/** The parsed header of an IDX file. */
export interface IdxHeader {
  magic: number;
  type: IdxTypeName;
  /** Bytes per element. */
  elementBytes: number;
  dims: number[];
  /** Length of the header in bytes (4 + 4 · rank). */
  headerBytes: number;
  /** Number of elements (product of dims). */
  elements: number;
}

/**
 * Reads an IDX header from the start of `bytes`. Returns undefined when more bytes are needed
 * (so a stream can wait for them); every defect throws an IdxFormatError.
 */
export function readIdxHeader(bytes: Uint8Array, source: IdxSource = {}): IdxHeader | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const found = hex(bytes.subarray(0, 4));
    const hint = bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1 ? ' (gzip data: inflate it first)' : '';
    throw new IdxFormatError(source.file, 0, `expected the IDX magic 00 00 TT NN, found ${found}${hint}`);
  }
  const code = bytes[2] as number;
  const kind = IDX_TYPES[code as IdxTypeCode];
  if (kind === undefined) {
    throw new IdxFormatError(
      source.file,
      2,
      `expected an IDX element type code 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E, found 0x${code.toString(16).padStart(2, '0').toUpperCase()}`,
    );
  }
  const rank = bytes[3] as number;
  if (rank < 1 || rank > IDX_MAX_RANK) {
    throw new IdxFormatError(source.file, 3, `expected a rank between 1 and ${IDX_MAX_RANK}, found ${rank}`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims: number[] = [];
  let elements = 1;
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    if (size === 0) {
      throw new IdxFormatError(source.file, 4 + 4 * d, `dimension ${d} is 0: expected a positive size`);
    }
    elements *= size;
    if (elements * kind.bytes > IDX_MAX_BYTES) {
      throw new IdxFormatError(
        source.file,
        4 + 4 * d,
        `dimensions [${[...dims, size].join(', ')}${d < rank - 1 ? ', …' : ''}] of ${kind.name} hold more than ${IDX_MAX_BYTES} bytes: absurd size`,
      );
    }
    dims.push(size);
  }
  return {
    magic: view.getUint32(0, false),
    type: kind.name,
    elementBytes: kind.bytes,
    dims,
    headerBytes,
    elements,
  };
}

/**
 * Parses the bytes of an uncompressed IDX file (gzip bytes are refused with a hint: `parseIdx` and `decodeIdx`
 * inflate them). uint8 and int8 data are views into the bytes, not copies; wider types are copied once, since
 * IDX is big-endian and typed arrays use the machine's byte order.
 */
export function parseInflatedIdx(raw: Uint8Array, source: IdxSource = {}): IdxFile {
  const header = readIdxHeader(raw, source);
  if (header === undefined) throw truncatedHeader(raw, source);
  const expected = header.headerBytes + header.elements * header.elementBytes;
  if (raw.length < expected) {
    throw new IdxFormatError(
      source.file,
      raw.length,
      `truncated data: dims [${header.dims.join(', ')}] of ${header.type} need ${expected} bytes, found ${raw.length}`,
    );
  }
  if (raw.length > expected) {
    throw new IdxFormatError(
      source.file,
      expected,
      `${raw.length - expected} trailing bytes after the data of dims [${header.dims.join(', ')}] (${expected} bytes expected)`,
    );
  }
  return idxFileOf(header, raw.subarray(header.headerBytes));
}

/** Builds the IdxFile of a header and exactly its element bytes (big-endian). */
export function idxFileOf(header: IdxHeader, body: Uint8Array): IdxFile {
  return {
    magic: header.magic,
    type: header.type,
    dims: header.dims,
    count: header.dims[0] as number,
    data: decodeElements(header.type, body),
  };
}

function decodeElements(type: IdxTypeName, body: Uint8Array): IdxData {
  switch (type) {
    case 'uint8':
      return body;
    case 'int8':
      return new Int8Array(body.buffer, body.byteOffset, body.length);
    default: {
      const view = new DataView(body.buffer, body.byteOffset, body.length);
      if (type === 'int16') return Int16Array.from({ length: body.length / 2 }, (_, i) => view.getInt16(2 * i, false));
      if (type === 'int32') return Int32Array.from({ length: body.length / 4 }, (_, i) => view.getInt32(4 * i, false));
      if (type === 'float32') return Float32Array.from({ length: body.length / 4 }, (_, i) => view.getFloat32(4 * i, false));
      return Float64Array.from({ length: body.length / 8 }, (_, i) => view.getFloat64(8 * i, false));
    }
  }
}

/** Encodes data and dims as an uncompressed IDX file (big-endian); the inverse of parseIdx. */
export function encodeIdx(type: IdxTypeName, dims: readonly number[], data: ArrayLike<number>): Uint8Array {
  const entry = Object.entries(IDX_TYPES).find(([, t]) => t.name === type);
  if (entry === undefined) throw new Error(`encodeIdx: unknown IDX type ${type}`);
  const [code, { bytes }] = entry;
  const elements = dims.reduce((a, b) => a * b, 1);
  if (elements !== data.length) {
    throw new Error(`encodeIdx: dims [${dims.join(', ')}] hold ${elements} elements, data has ${data.length}`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + elements * bytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, (Number(code) << 8) | dims.length, false);
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  for (let i = 0; i < elements; i++) {
    const at = headerBytes + i * bytes;
    const v = data[i] as number;
    if (type === 'uint8') view.setUint8(at, v);
    else if (type === 'int8') view.setInt8(at, v);
    else if (type === 'int16') view.setInt16(at, v, false);
    else if (type === 'int32') view.setInt32(at, v, false);
    else if (type === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

/** The error for bytes that end inside the header (readIdxHeader has validated the rank byte if present). */
export function truncatedHeader(bytes: Uint8Array, source: IdxSource): IdxFormatError {
  const needed = bytes.length < 4 ? 4 : 4 + 4 * (bytes[3] as number);
  return new IdxFormatError(source.file, bytes.length, `truncated header: ${bytes.length} bytes, expected ${needed}`);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
