import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import yazl from 'yazl';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChecksummedFile, OFFICIAL_FILES, sha256Bytes, verifyFiles } from './checksums.js';
import { ChecksumError, DownloadError, emnistCacheDir, fetchEmnistLetters } from './fetch.js';
import { encodeIdx } from './idx.js';
import { SAMPLE_DIR } from './sample.js';

/** The four files the test archive holds: real official labels, made-up images (with their own checksums). */
const contents = new Map<string, Buffer>();
let files: ChecksummedFile[];
let zip: Buffer;

beforeAll(async () => {
  const images = (count: number, seed: number) =>
    gzipSync(
      encodeIdx(
        'uint8',
        [count, 28, 28],
        Array.from({ length: count * 784 }, (_, i) => (i * seed) % 251),
      ),
    );
  contents.set(OFFICIAL_FILES.trainImages.name, images(60, 7));
  contents.set(OFFICIAL_FILES.testImages.name, images(20, 11));
  for (const file of [OFFICIAL_FILES.trainLabels, OFFICIAL_FILES.testLabels])
    contents.set(file.name, readFileSync(join(SAMPLE_DIR, file.name)));
  files = [...contents].map(([name, bytes]) => ({ name, sha256: sha256Bytes(bytes), bytes: bytes.length }));
  const archive = new yazl.ZipFile();
  for (const [name, bytes] of contents) archive.addBuffer(bytes, `gzip/${name}`);
  // Another split that must not be extracted, and stored noise so that the archive is large enough to cut.
  archive.addBuffer(Buffer.from('not letters'), 'gzip/emnist-digits-train-labels-idx1-ubyte.gz');
  archive.addBuffer(Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24)), 'gzip/padding.bin', {
    compress: false,
  });
  archive.end();
  const chunks: Buffer[] = [];
  for await (const chunk of archive.outputStream) chunks.push(chunk as Buffer);
  zip = Buffer.concat(chunks);
});

interface TestServer {
  url: string;
  requests: IncomingHttpHeaders[];
  /** Changes the ETag, as if the file changed on the server. */
  setEtag: (etag: string) => void;
  close: () => Promise<void>;
}

interface ServeOptions {
  /** Cut the connection after this many body bytes, for the first `cuts` responses. */
  cutAfter?: number;
  cuts?: number;
  /** The ETag the server reports. */
  etag?: string;
  status?: number;
  body?: Buffer;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A local HTTP server for the archive, with Range, If-Range and scripted failures. */
async function serve(options: ServeOptions = {}): Promise<TestServer> {
  const body = options.body ?? zip;
  let etag = options.etag ?? '"v1"';
  let cuts = options.cuts ?? (options.cutAfter === undefined ? 0 : 1);
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.headers);
    if (options.status) {
      res.writeHead(options.status).end('nothing here');
      return;
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (range && (ifRange === undefined || ifRange === etag)) start = Number(range[1]);
    if (start >= body.length && start > 0) {
      res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
      return;
    }
    const headers: Record<string, string | number> = { ETag: etag, 'Content-Length': body.length - start, 'Accept-Ranges': 'bytes' };
    if (start > 0) headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    if (cuts > 0 && options.cutAfter !== undefined) {
      cuts--;
      // A FIN after part of the body: the client sees the stream end early, every byte sent received.
      res.write(body.subarray(start, start + options.cutAfter), () => res.socket?.end());
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle = {
    url: `http://127.0.0.1:${port}/cs_links/EMNIST/gzip.zip`,
    requests,
    setEtag: (next: string) => {
      etag = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(handle);
  return handle;
}

/** The error a promise rejects with (a test failure if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mixent-fetch-'));
}

function quiet(lines: string[] = []) {
  return { progress: false, log: (line: string) => lines.push(line) };
}

describe('fetchEmnistLetters', () => {
  it('downloads the archive, extracts only the four files, verifies them and removes the archive', async () => {
    const server = await serve();
    const dir = tempDir();
    const result = await fetchEmnistLetters({ dir, url: server.url, files, ...quiet() });
    expect(result.downloaded).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.name).sort());
    for (const [name, bytes] of contents) expect(readFileSync(result.paths[name]!).equals(bytes)).toBe(true);
    expect((await verifyFiles(dir, files)).every((c) => c.status === 'ok')).toBe(true);
  });

  it('uses verified files already in the directory without touching the network', async () => {
    const server = await serve();
    const dir = tempDir();
    for (const [name, bytes] of contents) writeFileSync(join(dir, name), bytes);
    const result = await fetchEmnistLetters({ dir, url: server.url, files, ...quiet() });
    expect(result.downloaded).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it('offline, fails naming each missing file, and sends no request', async () => {
    const server = await serve();
    const dir = tempDir();
    writeFileSync(join(dir, files[0]!.name), contents.get(files[0]!.name)!);
    const error = await failure(fetchEmnistLetters({ dir, url: server.url, files, offline: true, ...quiet() }));
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^offline, and the EMNIST-Letters files in .* are not all there and verified/);
    for (const file of files.slice(1)) expect(error.message).toContain(`${join(dir, file.name)}: missing`);
    expect(error.message).not.toContain(`${join(dir, files[0]!.name)}: missing`);
    expect(server.requests).toHaveLength(0);
  });

  it('resumes with an HTTP Range request after the connection is cut mid-transfer', async () => {
    const cutAfter = 300_000;
    const server = await serve({ cutAfter });
    const dir = tempDir();
    const lines: string[] = [];
    await fetchEmnistLetters({ dir, url: server.url, files, ...quiet(lines) });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.range).toBeUndefined();
    // fetch may drop bytes it had queued when the stream errors; the resume starts after what was written.
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(cutAfter);
    expect(server.requests[1]!['if-range']).toBe('"v1"');
    expect(lines.join('\n')).toMatch(new RegExp(`gzip\\.zip: connection lost after ${resumedAt} bytes.*resuming \\(attempt 2 of 6\\)`));
    expect((await verifyFiles(dir, files)).every((c) => c.status === 'ok')).toBe(true);
  });

  it('keeps the partial download when retries run out, and a later call resumes it', async () => {
    const cutAfter = 250_000;
    const dir = tempDir();
    const cutting = await serve({ cutAfter });
    const error = await failure(fetchEmnistLetters({ dir, url: cutting.url, files, retries: 0, ...quiet() }));
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toContain(`${cutting.url}: download failed`);
    expect(error.message).toContain('gzip.zip.part is kept; run again to resume');
    const partial = statSync(join(dir, 'gzip.zip.part')).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThanOrEqual(cutAfter);
    expect(files.some((f) => existsSync(join(dir, f.name)))).toBe(false);

    // The server cuts only its first response: the next call continues where the first stopped.
    await fetchEmnistLetters({ dir, url: cutting.url, files, ...quiet() });
    expect(cutting.requests.map((r) => r.range)).toEqual([undefined, `bytes=${partial}-`]);
    expect((await verifyFiles(dir, files)).every((c) => c.status === 'ok')).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('gzip.zip'))).toEqual([]);
  });

  it('starts over when the file changed on the server (If-Range fails)', async () => {
    const dir = tempDir();
    const server = await serve({ cutAfter: 200_000, etag: '"old"' });
    await failure(fetchEmnistLetters({ dir, url: server.url, files, retries: 0, ...quiet() }));
    server.setEtag('"new"');
    await fetchEmnistLetters({ dir, url: server.url, files, ...quiet() });
    expect(server.requests[1]!['if-range']).toBe('"old"');
    expect(server.requests[1]!.range).toMatch(/^bytes=\d+-$/); // asked to resume, answered with the whole new file
    expect((await verifyFiles(dir, files)).every((c) => c.status === 'ok')).toBe(true);
  });

  it('fails at once on a 404, naming the address and the status', async () => {
    const server = await serve({ status: 404 });
    const dir = tempDir();
    const error = await failure(fetchEmnistLetters({ dir, url: server.url, files, ...quiet() }));
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toBe(`${server.url}: download failed: HTTP 404 Not Found`);
    expect(server.requests).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => !f.startsWith('gzip.zip.part'))).toEqual([]);
  });

  it('refuses a file whose checksum is wrong: it is named, never kept, and the archive is dropped', async () => {
    const server = await serve();
    const dir = tempDir();
    const wrong = files.map((f) => (f.name === OFFICIAL_FILES.testImages.name ? { ...f, sha256: '0'.repeat(64) } : f));
    const error = await failure(fetchEmnistLetters({ dir, url: server.url, files: wrong, ...quiet() }));
    expect(error).toBeInstanceOf(ChecksumError);
    expect(error.message).toContain(
      `${OFFICIAL_FILES.testImages.name} (from ${join(dir, 'gzip.zip')}): sha256 ${files.find((f) => f.name === OFFICIAL_FILES.testImages.name)!.sha256} does not match the official ${'0'.repeat(64)}; the file was not kept`,
    );
    expect(existsSync(join(dir, OFFICIAL_FILES.testImages.name))).toBe(false);
    expect(existsSync(join(dir, 'gzip.zip'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('detects a corrupt cached file and fetches it again', async () => {
    const server = await serve();
    const dir = tempDir();
    for (const [name, bytes] of contents) writeFileSync(join(dir, name), bytes);
    const victim = join(dir, OFFICIAL_FILES.trainLabels.name);
    writeFileSync(victim, Buffer.from('corrupted'));
    const lines: string[] = [];
    const result = await fetchEmnistLetters({ dir, url: server.url, files, ...quiet(lines) });
    expect(result.downloaded).toBe(true);
    expect(lines[0]).toMatch(
      new RegExp(`^${victim}: sha256 [0-9a-f]{64} does not match the official ${OFFICIAL_FILES.trainLabels.sha256}: fetching it again$`),
    );
    expect(readFileSync(victim).equals(contents.get(OFFICIAL_FILES.trainLabels.name)!)).toBe(true);
  });

  it('offline, refuses a corrupt file, naming it', async () => {
    const dir = tempDir();
    for (const [name, bytes] of contents) writeFileSync(join(dir, name), bytes);
    writeFileSync(join(dir, OFFICIAL_FILES.testLabels.name), Buffer.from('bad'));
    await expect(fetchEmnistLetters({ dir, files, offline: true, ...quiet() })).rejects.toThrow(
      `${join(dir, OFFICIAL_FILES.testLabels.name)}: sha256 ${sha256Bytes(Buffer.from('bad'))} does not match the official`,
    );
  });

  it('drops an archive it cannot read, so that the next call downloads it again', async () => {
    const dir = tempDir();
    // A server (a captive portal, a maintenance page) that answers with a web page instead of the archive.
    const page = await serve({ body: Buffer.from('<html>maintenance</html>') });
    const error = await failure(fetchEmnistLetters({ dir, url: page.url, files, ...quiet() }));
    expect(error.message).toMatch(/gzip\.zip: not a readable zip archive .*\(.*gzip\.zip was deleted: the next call downloads it again\)$/);
    expect(existsSync(join(dir, 'gzip.zip'))).toBe(false);
    const good = await serve();
    const result = await fetchEmnistLetters({ dir, url: good.url, files, ...quiet() });
    expect(result.downloaded).toBe(true);
    expect(good.requests).toHaveLength(1);
    expect(readFileSync(join(dir, OFFICIAL_FILES.testLabels.name)).equals(contents.get(OFFICIAL_FILES.testLabels.name)!)).toBe(true);
  });

  it('names a missing entry of the archive, and keeps an archive that lacks only a name it never held', async () => {
    const extra: ChecksummedFile = { name: 'emnist-letters-mapping.txt', sha256: '1'.repeat(64), bytes: 1 };
    const server = await serve();
    const dir = tempDir();
    await expect(fetchEmnistLetters({ dir, url: server.url, files: [...files, extra], ...quiet() })).rejects.toThrow(
      /gzip\.zip: the archive has no entry emnist-letters-mapping\.txt$/,
    );
    expect(existsSync(join(dir, 'gzip.zip'))).toBe(true);
  });
});

describe('emnistCacheDir', () => {
  it('prefers MIXENT_DATA_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(emnistCacheDir({ MIXENT_DATA_DIR: '/data', XDG_CACHE_HOME: '/xdg' })).toBe('/data/emnist-letters');
    expect(emnistCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/mixent/emnist-letters');
    expect(emnistCacheDir({})).toMatch(/\/\.cache\/mixent\/emnist-letters$/);
  });
});
