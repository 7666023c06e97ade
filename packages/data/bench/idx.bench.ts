/**
 * Parsing and inflating throughput of a generated 100 MB IDX file (tiled from real sample
 * images), against Node's own zlib.gunzipSync on the same bytes. Writes bench/idx.json.
 *
 *   npx nx run data:bench
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { encodeIdx, loadSample, parseIdx, readIdxFile } from '@mixent/data';

const TARGET_BYTES = 100e6;
const REPEATS = 5;

const sample = await loadSample('train');
const count = Math.floor(TARGET_BYTES / 784);
const pixels = new Uint8Array(count * 784);
for (let n = 0; n < count; n++) pixels.set(sample.images.subarray((n % sample.count) * 784, ((n % sample.count) + 1) * 784), n * 784);
const raw = encodeIdx('uint8', [count, 28, 28], pixels);
const gz = gzipSync(raw);
const dir = mkdtempSync(join(tmpdir(), 'mixent-bench-'));
const file = join(dir, 'bench-images-idx3-ubyte.gz');
writeFileSync(file, gz);

/** Median wall time in seconds of `fn` over REPEATS runs, after one warm-up. */
async function median(fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await fn();
    times.push((performance.now() - start) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)] as number;
}

const megabytes = raw.length / 1e6;
const gunzip = await median(() => gunzipSync(gz));
const parseGzip = await median(() => parseIdx(gz));
const parseRaw = await median(() => parseIdx(raw));
const streamFile = await median(() => readIdxFile(file));
rmSync(dir, { recursive: true, force: true });

const mbps = (seconds: number) => Number((megabytes / seconds).toFixed(1));
const result = {
  what: 'MB/s of decompressed IDX (uint8 [N, 28, 28], tiled from real sample images); median of 5 runs after a warm-up',
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
  idxMegabytes: Number(megabytes.toFixed(1)),
  gzipMegabytes: Number((gz.length / 1e6).toFixed(1)),
  mbPerSecond: {
    zlibGunzipSync: mbps(gunzip),
    parseIdxGzip: mbps(parseGzip),
    readIdxFileStreaming: mbps(streamFile),
  },
  // Raw uint8 IDX is parsed without copying: the time is the header's, whatever the size.
  parseIdxRawMicroseconds: Number((parseRaw * 1e6).toFixed(1)),
  ratioToGunzipSync: {
    parseIdxGzip: Number((gunzip / parseGzip).toFixed(3)),
    readIdxFileStreaming: Number((gunzip / streamFile).toFixed(3)),
  },
};
const out = join(import.meta.dirname, 'idx.json');
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
console.log(`written to ${out}`);
