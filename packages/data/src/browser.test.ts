import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBundleInputs, isNodeOnlyFile } from '../../../tools/browser-bundle.js';
import * as browser from './browser.js';
import * as node from './index.js';
import { IdxFormatError, encodeIdx } from './idx.js';
import { parseIdx } from './idx-gzip.js';
import { decodeIdx } from './idx-web.js';
import { SAMPLE_FILES, fetchLetterSet, loadSampleFromUrl } from './letter-urls.js';
import { SAMPLE_DIR, loadSample, readSampleManifest } from './sample.js';

describe('decodeIdx (DecompressionStream)', () => {
  it('gives what parseIdx (zlib) gives on every file of the sample, gzip and inflated', async () => {
    for (const split of ['train', 'test'] as const) {
      for (const file of Object.values(SAMPLE_FILES[split])) {
        const bytes = new Uint8Array(readFileSync(join(SAMPLE_DIR, file)));
        const expected = parseIdx(bytes);
        for (const input of [bytes, encodeIdx(expected.type, expected.dims, expected.data)]) {
          const decoded = await decodeIdx(input, { file });
          expect(decoded.dims).toEqual(expected.dims);
          expect(
            Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength).equals(Buffer.from(expected.data)),
          ).toBe(true);
        }
      }
    }
  });

  it('names the file when the gzip data are corrupt or truncated', async () => {
    const gzip = gzipSync(encodeIdx('uint8', [3, 2], [1, 2, 3, 4, 5, 6]));
    const corrupt = Uint8Array.from(gzip);
    corrupt.fill(0xff, 10, 16);
    for (const bytes of [corrupt, gzip.subarray(0, gzip.length - 6)]) {
      const error = await decodeIdx(bytes, { file: 'letters.idx.gz' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IdxFormatError);
      expect((error as Error).message).toMatch(/^letters\.idx\.gz: corrupt gzip data/);
    }
  });
});

describe('the sample by URL', () => {
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/sample\//, '');
    try {
      response.end(readFileSync(join(SAMPLE_DIR, name)));
    } catch {
      response.writeHead(404, 'Not Found').end();
    }
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sample/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('SAMPLE_FILES are the files of the manifest', () => {
    const { splits } = readSampleManifest();
    for (const split of ['train', 'test'] as const) {
      expect(SAMPLE_FILES[split]).toEqual({ images: splits[split].images.file, labels: splits[split].labels.file });
    }
  });

  it('loadSampleFromUrl gives what loadSample reads from the disk', async () => {
    const [fetched, read] = await Promise.all([loadSampleFromUrl('test', base.slice(0, -1)), loadSample('test')]);
    expect(fetched.count).toBe(3800);
    expect(Buffer.from(fetched.images).equals(Buffer.from(read.images))).toBe(true);
    expect(Buffer.from(fetched.labels).equals(Buffer.from(read.labels))).toBe(true);
  });

  it('names the URL and the HTTP status of a file that is not there', async () => {
    await expect(fetchLetterSet(`${base}missing-images.gz`, `${base}${SAMPLE_FILES.test.labels}`)).rejects.toThrow(
      `${base}missing-images.gz: HTTP 404 Not Found`,
    );
  });
});

describe('the browser entry', () => {
  it('bundles for browsers with no Node built-in and no Node-only package', async () => {
    const inputs = await browserBundleInputs(join(import.meta.dirname, 'browser.ts'));
    expect(inputs.some((file) => file.endsWith('letter-urls.ts'))).toBe(true);
    expect(inputs.filter(isNodeOnlyFile)).toEqual([]);
  }, 60_000);

  it('exports the same values as the Node entry, less the Node-only ones', () => {
    const nodeOnly = Object.keys(node).filter((name) => !(name in browser));
    expect(nodeOnly.sort()).toEqual(
      [
        'ChecksumError',
        'DownloadError',
        'EMNIST_ZIP_URL',
        'OFFICIAL_FILES',
        'SAMPLE_DIR',
        'describeCheck',
        'emnistCacheDir',
        'fetchEmnistLetters',
        'gunzipIdx',
        'loadLetters',
        'loadSample',
        'parseIdx',
        'parseIdxStream',
        'readIdxFile',
        'readLetterSet',
        'readSampleManifest',
        'sha256Bytes',
        'sha256File',
        'verifyFiles',
      ].sort(),
    );
    for (const name of Object.keys(browser)) expect(browser[name as keyof typeof browser], name).toBe(node[name as keyof typeof node]);
  });
});
