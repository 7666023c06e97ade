import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDX_TYPES, IdxFormatError, type IdxTypeName, encodeIdx } from './idx.js';
import { parseIdx } from './idx-gzip.js';
import { parseIdxStream, readIdxFile } from './idx-stream.js';

const samples: Record<IdxTypeName, number[]> = {
  uint8: [0, 1, 127, 128, 255, 7],
  int8: [-128, -1, 0, 1, 127, 5],
  int16: [-32768, -2, 0, 3, 32767, 258],
  int32: [-2147483648, -70000, 0, 1, 2147483647, 65536],
  float32: [-1.5, 0, 0.25, 3.75, 1e10, -2e-3],
  float64: [-1.5, Math.PI, 0, 1e300, -1e-300, 0.1],
};

/** A hand-written big-endian IDX file, independent of encodeIdx. */
function handIdx(header: number[], body: number[]): Uint8Array {
  return Uint8Array.from([...header, ...body]);
}

describe('parseIdx', () => {
  it('reads a hand-written uint8 label file', () => {
    const idx = parseIdx(handIdx([0, 0, 8, 1, 0, 0, 0, 3], [1, 26, 7]));
    expect(idx.magic).toBe(0x801);
    expect(idx.type).toBe('uint8');
    expect(idx.dims).toEqual([3]);
    expect(idx.count).toBe(3);
    expect(Array.from(idx.data)).toEqual([1, 26, 7]);
  });

  it('reads hand-written big-endian int16 and float32 data', () => {
    expect(Array.from(parseIdx(handIdx([0, 0, 0x0b, 1, 0, 0, 0, 2], [0x01, 0x02, 0xff, 0xfe])).data)).toEqual([258, -2]);
    // 0x3fc00000 is 1.5 in IEEE 754 single precision.
    expect(Array.from(parseIdx(handIdx([0, 0, 0x0d, 1, 0, 0, 0, 1], [0x3f, 0xc0, 0, 0])).data)).toEqual([1.5]);
  });

  for (const [code, { name }] of Object.entries(IDX_TYPES)) {
    it(`round-trips ${name} (type 0x${Number(code).toString(16)}) at rank 1..3, plain and gzip`, () => {
      const values = samples[name];
      for (const dims of [[6], [3, 2], [1, 2, 3]]) {
        const bytes = encodeIdx(name, dims, values);
        expect(bytes[2]).toBe(Number(code));
        expect(bytes[3]).toBe(dims.length);
        for (const input of [bytes, gzipSync(bytes)]) {
          const idx = parseIdx(input);
          expect(idx.type).toBe(name);
          expect(idx.magic).toBe((Number(code) << 8) | dims.length);
          expect(idx.dims).toEqual(dims);
          expect(Array.from(idx.data)).toEqual(name === 'float32' ? Array.from(Float32Array.from(values)) : values);
        }
      }
    });
  }

  it('returns uint8 and int8 data as views of the input, without copying', () => {
    const bytes = encodeIdx('uint8', [2, 2], [1, 2, 3, 4]);
    const idx = parseIdx(bytes);
    expect(idx.data.buffer).toBe(bytes.buffer);
    bytes[12] = 99; // the first element, after a 12-byte header
    expect(idx.data[0]).toBe(99);
    const signed = encodeIdx('int8', [2], [-1, 1]);
    expect(parseIdx(signed).data.buffer).toBe(signed.buffer);
  });
});

/** Each defect, and what its message must say. */
const corpus: { name: string; bytes: () => Uint8Array; message: RegExp; offset?: number }[] = [
  {
    name: 'wrong magic',
    bytes: () => handIdx([1, 2, 8, 1, 0, 0, 0, 1], [5]),
    message: /byte 0: expected the IDX magic 00 00 TT NN, found 01 02 08 01/,
    offset: 0,
  },
  {
    name: 'unknown element type',
    bytes: () => handIdx([0, 0, 0x0a, 1, 0, 0, 0, 1], [5]),
    message: /byte 2: expected an IDX element type code .*found 0x0A/,
    offset: 2,
  },
  { name: 'rank 0', bytes: () => handIdx([0, 0, 8, 0], []), message: /byte 3: expected a rank between 1 and 8, found 0/, offset: 3 },
  {
    name: 'absurd rank',
    bytes: () => handIdx([0, 0, 8, 200], []),
    message: /byte 3: expected a rank between 1 and 8, found 200/,
    offset: 3,
  },
  {
    name: 'header cut in the magic',
    bytes: () => handIdx([0, 0], []),
    message: /byte 2: truncated header: 2 bytes, expected 4/,
    offset: 2,
  },
  {
    name: 'header cut in the dims',
    bytes: () => handIdx([0, 0, 8, 3, 0, 0, 0, 5, 0, 0], []),
    message: /byte 10: truncated header: 10 bytes, expected 16/,
    offset: 10,
  },
  {
    name: 'zero dimension',
    bytes: () => handIdx([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 28], []),
    message: /byte 8: dimension 1 is 0: expected a positive size/,
    offset: 8,
  },
  {
    name: 'absurd dimensions',
    bytes: () => handIdx([0, 0, 8, 3, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0, 28], []),
    message: /byte 8: dimensions \[65535, 65535, …\] of uint8 hold more than 2147483647 bytes: absurd size/,
    offset: 8,
  },
  {
    // Few enough elements, but 8 bytes each: the limit is on the bytes to allocate.
    name: 'absurd float64 dimensions',
    bytes: () => handIdx([0, 0, 0x0e, 1, 0x7f, 0xff, 0xff, 0xff], []),
    message: /byte 4: dimensions \[2147483647\] of float64 hold more than 2147483647 bytes: absurd size/,
    offset: 4,
  },
  {
    name: 'truncated data',
    bytes: () => handIdx([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3], [1, 2, 3, 4, 5]),
    message: /byte 17: truncated data: dims \[2, 3\] of uint8 need 18 bytes, found 17/,
    offset: 17,
  },
  {
    name: 'truncated int32 data',
    bytes: () => handIdx([0, 0, 0x0c, 1, 0, 0, 0, 2], [0, 0, 0, 1, 0, 0]),
    message: /byte 14: truncated data: dims \[2\] of int32 need 16 bytes, found 14/,
    offset: 14,
  },
  {
    name: 'trailing bytes',
    bytes: () => handIdx([0, 0, 8, 1, 0, 0, 0, 2], [1, 2, 3, 4]),
    message: /byte 10: 2 trailing bytes after the data of dims \[2\] \(10 bytes expected\)/,
    offset: 10,
  },
  {
    name: 'corrupt gzip',
    bytes: () => Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef]),
    message: /corrupt gzip data/,
  },
  {
    name: 'truncated gzip',
    bytes: () => gzipSync(encodeIdx('uint8', [100], new Array(100).fill(3))).subarray(0, 20),
    message: /corrupt gzip data \(unexpected end of file\)/,
  },
];

describe('the bad-input corpus', () => {
  for (const { name, bytes, message, offset } of corpus) {
    it(`${name}: an IdxFormatError naming the file, the offset and what was expected`, async () => {
      const error = captureSync(() => parseIdx(bytes(), { file: 'letters.idx' }));
      expect(error).toBeInstanceOf(IdxFormatError);
      expect(error.message).toMatch(/^letters\.idx[:,]/);
      expect(error.message).toMatch(message);
      expect((error as IdxFormatError).offset).toBe(offset);
      // The streaming parser reports the same defect (offsets of stream truncation are where the stream ended).
      const streamed = await parseIdxStream(chunked(bytes(), 3), { file: 'letters.idx' }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(streamed).toBeInstanceOf(IdxFormatError);
      expect(streamed?.message).toMatch(/^letters\.idx[:,]/);
    });
  }

  it('hints that gzip data was passed where raw IDX was expected', async () => {
    const { readIdxHeader } = await import('./idx.js');
    expect(() => readIdxHeader(gzipSync(encodeIdx('uint8', [1], [1])), { file: 'x.gz' })).toThrow(
      /x\.gz, byte 0: .*\(gzip data: inflate it first\)/,
    );
  });

  it('names <bytes> when no file is known', () => {
    expect(() => parseIdx(handIdx([9, 9, 8, 1], []))).toThrow(/^<bytes>, byte 0: /);
  });
});

describe('parseIdxStream', () => {
  const bytes = encodeIdx(
    'uint8',
    [50, 28, 28],
    Array.from({ length: 50 * 784 }, (_, i) => (i * 31) % 256),
  );

  for (const size of [1, 7, 784, 1 << 20]) {
    it(`gives what parseIdx gives, in chunks of ${size} bytes, plain and gzip`, async () => {
      for (const input of [bytes, gzipSync(bytes)]) {
        const streamed = await parseIdxStream(chunked(input, size));
        const whole = parseIdx(input);
        expect(streamed.dims).toEqual(whole.dims);
        expect(streamed.magic).toBe(whole.magic);
        expect(
          Buffer.from(streamed.data.buffer, streamed.data.byteOffset, streamed.data.byteLength).equals(Buffer.from(bytes.subarray(16))),
        ).toBe(true);
      }
    });
  }

  it('decodes wide types from a stream', async () => {
    const values = samples.float64;
    const idx = await parseIdxStream(chunked(gzipSync(encodeIdx('float64', [6], values)), 5));
    expect(Array.from(idx.data)).toEqual(values);
  });

  it('reads a file from disk and names its path in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-idx-'));
    const good = join(dir, 'good.idx.gz');
    writeFileSync(good, gzipSync(bytes));
    expect((await readIdxFile(good)).count).toBe(50);
    const bad = join(dir, 'bad.idx');
    writeFileSync(bad, bytes.subarray(0, 1000));
    await expect(readIdxFile(bad)).rejects.toThrow(`${bad}, byte 1000: truncated data`);
    await expect(readIdxFile(join(dir, 'missing.idx'))).rejects.toThrow(/ENOENT.*missing\.idx/);
    // Reading a folder fails on read, where Node's message has no path.
    await expect(readIdxFile(dir)).rejects.toThrow(`${dir}: cannot read it (EISDIR: illegal operation on a directory, read)`);
  });
});

function chunked(bytes: Uint8Array, size: number): Readable {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return Readable.from(chunks);
}

function captureSync(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
