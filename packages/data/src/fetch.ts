import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { type Progress, createProgress, isSystemError } from '@mixent/node-io';
import { type ChecksummedFile, OFFICIAL_FILES, describeCheck, verifyFiles } from './checksums.js';

/** NIST's archive of every EMNIST split as gzip IDX files (about 560 MB). */
export const EMNIST_ZIP_URL = 'https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip';

/**
 * The directory that caches the official EMNIST-Letters files:
 * `$MIXENT_DATA_DIR/emnist-letters`, else `$XDG_CACHE_HOME/mixent/emnist-letters`,
 * else `~/.cache/mixent/emnist-letters`.
 */
export function emnistCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MIXENT_DATA_DIR) return join(env.MIXENT_DATA_DIR, 'emnist-letters');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mixent', 'emnist-letters');
}

/** Options of fetchEmnistLetters. */
export interface FetchOptions {
  /** Where the four files live or will be written (default emnistCacheDir()). */
  dir?: string;
  /** Never touch the network: verify what is in `dir` or fail. */
  offline?: boolean;
  /** The archive's address (default EMNIST_ZIP_URL). */
  url?: string;
  /** How many times an interrupted download is resumed within one call (default 5). */
  retries?: number;
  /** Keep gzip.zip in `dir` after extraction (default false: it holds every EMNIST split). */
  keepZip?: boolean;
  /** The files to obtain and their checksums (default the four official files). */
  files?: readonly ChecksummedFile[];
  /** Show download progress (default true). */
  progress?: boolean;
  /** Where status lines go (default stderr). */
  log?: (line: string) => void;
}

/** What fetchEmnistLetters did. */
export interface FetchResult {
  dir: string;
  /** Path of each file, by name; every one verified against its sha256. */
  paths: Record<string, string>;
  /** True when the archive was downloaded (or resumed) by this call. */
  downloaded: boolean;
}

/** An archive without a wanted entry; `officialFileMissing` when one of NIST's four files is the one missing. */
class MissingEntryError extends Error {
  constructor(
    message: string,
    readonly officialFileMissing: boolean,
  ) {
    super(message);
  }
}

/** A download that failed; `retryable` says whether trying again may help (a cut connection, HTTP 5xx) or not (a 404). */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** A file whose sha256 is not the expected one; it is never moved into place. */
export class ChecksumError extends Error {
  override readonly name = 'ChecksumError';
}

/**
 * Makes the official EMNIST-Letters files available in a directory, verified.
 * Files already there are used if their sha256 is right; otherwise (unless offline) NIST's
 * gzip.zip is downloaded (resuming a partial download), only the needed files are extracted,
 * each checked against its sha256 and renamed into place from a temporary file.
 */
export async function fetchEmnistLetters(options: FetchOptions = {}): Promise<FetchResult> {
  const dir = options.dir ?? emnistCacheDir();
  const files = options.files ?? Object.values(OFFICIAL_FILES);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const paths = Object.fromEntries(files.map((f) => [f.name, join(dir, f.name)]));

  const before = await verifyFiles(dir, files);
  const needed = before.filter((check) => check.status !== 'ok');
  if (needed.length === 0) return { dir, paths, downloaded: false };
  if (options.offline) {
    throw new Error(
      `offline, and the EMNIST-Letters files in ${dir} are not all there and verified:\n` +
        `${needed.map(describeCheck).join('\n')}\n` +
        `Fetch them without --offline, or place the official files (from ${EMNIST_ZIP_URL}) in that directory.`,
    );
  }
  for (const check of needed.filter((c) => c.status === 'mismatch')) log(`${describeCheck(check)}: fetching it again`);

  await mkdir(dir, { recursive: true });
  const zipPath = join(dir, 'gzip.zip');
  const haveZip = await stat(zipPath).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!haveZip) {
    await downloadResumable(options.url ?? EMNIST_ZIP_URL, zipPath, {
      retries: options.retries ?? 5,
      progress: options.progress ?? true,
      log,
    });
  }
  const wanted = files.filter((f) => needed.some((check) => check.name === f.name));
  try {
    await extractVerified(zipPath, dir, wanted);
  } catch (error) {
    // A bad archive (unreadable, truncated, one of NIST's files missing or corrupt) must not be reused by the next
    // call: it is fetched anew. A system error opening it or writing the extracted files (permissions, disk full)
    // says nothing against it, nor does a request for a name that NIST's archive does not hold.
    const machineFault = isSystemError(error) || (error instanceof Error && isSystemError(error.cause));
    const wrongRequest = error instanceof MissingEntryError && !error.officialFileMissing;
    if (!machineFault && !wrongRequest) {
      await rm(zipPath, { force: true });
      if (error instanceof Error) error.message += ` (${zipPath} was deleted: the next call downloads it again)`;
    }
    throw error;
  }
  if (!options.keepZip) await rm(zipPath, { force: true });
  return { dir, paths, downloaded: !haveZip };
}

interface DownloadOptions {
  retries: number;
  progress: boolean;
  log: (line: string) => void;
}

interface PartialState {
  url: string;
  validator?: string;
  total?: number;
}

/**
 * Downloads `url` to `dest` through `dest.part`, resuming with an HTTP Range request
 * (guarded by If-Range on the ETag or Last-Modified) after a cut connection, in this call
 * (up to `retries` times) or a later one. `dest` appears only once complete.
 */
export async function downloadResumable(url: string, dest: string, options: DownloadOptions): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await downloadOnce(url, dest, options);
      return;
    } catch (error) {
      const retryable = error instanceof DownloadError && error.retryable;
      if (!retryable || attempt >= options.retries) {
        throw new DownloadError(
          `${url}: download failed${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}: ${(error as Error).message}` +
            (retryable ? ` (the partial file ${dest}.part is kept; run again to resume)` : ''),
          false,
        );
      }
      options.log(`${basename(dest)}: ${(error as Error).message}; resuming (attempt ${attempt + 2} of ${options.retries + 1})`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 5000)));
    }
  }
}

async function downloadOnce(url: string, dest: string, options: DownloadOptions): Promise<void> {
  const part = `${dest}.part`;
  const statePath = `${part}.json`;
  const state = await readPartialState(statePath, url);
  const have = state
    ? await stat(part).then(
        (s) => s.size,
        () => 0,
      )
    : 0;
  const headers: Record<string, string> = {};
  if (have > 0) {
    headers.Range = `bytes=${have}-`;
    if (state?.validator) headers['If-Range'] = state.validator;
  }
  let response: Response;
  try {
    response = await fetch(url, { headers });
  } catch (error) {
    throw new DownloadError(`cannot connect (${describeCause(error)})`, true);
  }
  let offset: number;
  let total: number | undefined;
  if (response.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== have) {
      await response.body?.cancel();
      await rm(part, { force: true });
      throw new DownloadError(`the server answered a range that does not continue the partial file; starting over`, true);
    }
    offset = have;
    total = range[3] === '*' ? undefined : Number(range[3]);
  } else if (response.status === 200) {
    offset = 0; // a fresh start, or the file changed on the server (If-Range failed)
    const length = response.headers.get('content-length');
    total = length === null ? undefined : Number(length);
  } else if (response.status === 416 && state?.total === have) {
    await response.body?.cancel();
    await rename(part, dest);
    await rm(statePath, { force: true });
    return;
  } else {
    await response.body?.cancel();
    if (response.status === 416) await rm(part, { force: true });
    const retryable = response.status >= 500 || response.status === 416 || response.status === 429;
    throw new DownloadError(`HTTP ${response.status} ${response.statusText}`.trim(), retryable);
  }
  if (!response.body) throw new DownloadError('the response has no body', true);

  const validator = response.headers.get('etag') ?? response.headers.get('last-modified') ?? undefined;
  const next: PartialState = { url, ...(validator ? { validator } : {}), ...(total !== undefined ? { total } : {}) };
  await writeFile(statePath, JSON.stringify(next));

  let received = offset;
  const progress: Progress | undefined = options.progress
    ? createProgress({ label: basename(dest), total: total ?? 0, unit: 'bytes' })
    : undefined;
  progress?.update(received);
  // Each chunk is written before the next is read, so after a cut the partial file holds
  // everything received and the resume starts exactly there.
  const file = await open(part, offset > 0 ? 'a' : 'w');
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      await file.write(chunk);
      received += chunk.length;
      progress?.update(received);
    }
  } catch (error) {
    throw new DownloadError(`connection lost after ${received} bytes (${describeCause(error)})`, true);
  } finally {
    await file.close();
    progress?.stop();
  }
  if (total !== undefined && received !== total) {
    throw new DownloadError(`connection closed after ${received} of ${total} bytes`, true);
  }
  await rename(part, dest);
  await rm(statePath, { force: true });
}

async function readPartialState(path: string, url: string): Promise<PartialState | undefined> {
  try {
    const state = JSON.parse(await readFile(path, 'utf8')) as PartialState;
    return state.url === url ? state : undefined;
  } catch {
    return undefined;
  }
}

function describeCause(error: unknown): string {
  const err = error as Error & { cause?: Error };
  return err.cause?.message ? `${err.message}: ${err.cause.message}` : err.message;
}

/**
 * Streams the wanted entries (matched by file name, whatever their folder in the archive)
 * out of a zip into `dir`: each through a temporary file and a sha256, renamed into place
 * only when the checksum matches.
 */
export async function extractVerified(zipPath: string, dir: string, wanted: readonly ChecksummedFile[]): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false }, (error, zipfile) =>
      error ? reject(new Error(`${zipPath}: not a readable zip archive (${error.message})`, { cause: error })) : resolve(zipfile),
    ),
  );
  const found = new Set<string>();
  try {
    for await (const entry of zipEntries(zip)) {
      const file = wanted.find((f) => f.name === basename(entry.fileName));
      if (!file) continue;
      await extractEntry(zip, entry, file, dir, zipPath);
      found.add(file.name);
    }
  } finally {
    zip.close();
  }
  const missing = wanted.filter((f) => !found.has(f.name)).map((f) => f.name);
  if (missing.length > 0) {
    // Missing one of NIST's own files, the archive is not theirs; missing another name, the request was wrong.
    const official = missing.some((name) => Object.values(OFFICIAL_FILES).some((f) => f.name === name));
    throw new MissingEntryError(`${zipPath}: the archive has no entry ${missing.join(', ')}`, official);
  }
}

async function* zipEntries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry) => finish(e);
      const onEnd = () => finish(undefined);
      const onError = (error: Error) => {
        zip.off('entry', onEntry).off('end', onEnd);
        reject(error);
      };
      const finish = (e: yauzl.Entry | undefined) => {
        zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
        resolve(e);
      };
      zip.once('entry', onEntry).once('end', onEnd).once('error', onError);
      zip.readEntry();
    });
    if (!entry) return;
    yield entry;
  }
}

async function extractEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, file: ChecksummedFile, dir: string, zipPath: string): Promise<void> {
  const target = join(dir, file.name);
  const temp = join(dir, `.${file.name}.${process.pid}.tmp`);
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const stream = await new Promise<Readable>((resolve, reject) =>
      zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))),
    );
    await pipeline(stream, hasher, createWriteStream(temp));
    const actual = hash.digest('hex');
    if (actual !== file.sha256) {
      throw new ChecksumError(
        `${file.name} (from ${zipPath}): sha256 ${actual} does not match the official ${file.sha256}; the file was not kept`,
      );
    }
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
}
