import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { OFFICIAL_FILES, sha256Bytes } from './checksums.js';
import { runDataCli } from './cli.js';
import { SAMPLE_DIR, readSampleManifest } from './sample.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runDataCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const manifest = readSampleManifest();
const testImages = join(SAMPLE_DIR, manifest.splits.test.images.file);
const testLabels = join(SAMPLE_DIR, manifest.splits.test.labels.file);

describe('mixent-data', () => {
  it('info --json gives magic, dims, count and the sha256 of the decompressed IDX', async () => {
    const { code, out } = await run('info', testImages, '--json');
    expect(code).toBe(0);
    const info = JSON.parse(out) as Record<string, unknown>;
    expect(info).toMatchObject({ magic: '0x00000803', dims: [3800, 28, 28], count: 3800, type: 'uint8', gzip: true });
    expect(info.sha256).toBe(sha256Bytes(gunzipSync(readFileSync(testImages))));
    expect(info.sha256).toBe(manifest.splits.test.images.idxSha256);
  });

  it('info prints a readable summary', async () => {
    const { out } = await run('info', join(SAMPLE_DIR, OFFICIAL_FILES.trainLabels.name));
    expect(out).toContain('magic   0x00000801 (uint8, rank 1)');
    expect(out).toContain('count   124800');
  });

  it('verify names each file and fails when any is missing or wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-cli-'));
    for (const file of [OFFICIAL_FILES.trainLabels, OFFICIAL_FILES.testLabels])
      writeFileSync(join(dir, file.name), readFileSync(join(SAMPLE_DIR, file.name)));
    const { code, out, err } = await run('verify', dir);
    expect(code).toBe(1);
    expect(out).toContain(`${join(dir, OFFICIAL_FILES.trainLabels.name)}: ok`);
    expect(out).toContain(`${join(dir, OFFICIAL_FILES.trainImages.name)}: missing`);
    expect(err).toBe(`mixent-data: 2 of 4 official files in ${dir} are missing or do not match their sha256\n`);
  });

  it('fetch --offline refuses to touch the network when files are missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-cli-'));
    const { code, err } = await run('fetch', '--dir', dir, '--offline');
    expect(code).toBe(1);
    expect(err).toMatch(/^mixent-data: offline, and the EMNIST-Letters files in .* are not all there/);
    expect(err).toContain(`${join(dir, OFFICIAL_FILES.testImages.name)}: missing`);
  });

  it('show prints an image upright with its letter and writes a PNG', async () => {
    const index = 0; // the sample keeps official order, which is sorted by class: the first is an 'a'
    const png = join(mkdtempSync(join(tmpdir(), 'mixent-cli-')), 'a.png');
    const { code, out } = await run('show', testImages, testLabels, '--index', String(index), '--png', png);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe(`${testImages} [${index}]: 'a' (class 0, label 1)`);
    const image = PNG.sync.read(readFileSync(png));
    expect([image.width, image.height]).toEqual([224, 224]);
  });

  it('errors are one line naming the file, with a non-zero exit', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'mixent-cli-')), 'bad.idx');
    writeFileSync(bad, Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 5, 1]));
    const info = await run('info', bad);
    expect(info.code).toBe(1);
    expect(info.err).toBe(`mixent-data: ${bad}, byte 9: truncated data: dims [5] of uint8 need 13 bytes, found 9\n`);
    const show = await run('show', testImages, testLabels, '--index', '99999');
    expect(show.err).toBe(`mixent-data: ${testImages}: --index 99999 is past the last image (3799)\n`);
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^mixent-data: unknown command 'frobnicate'/);
  });

  it('runs as a command from any folder of a clone, from the sources, with its exit codes', () => {
    // The installed package's command (which runs dist/) is checked by tools/readme-examples.test.ts.
    const command = join(import.meta.dirname, '..', 'bin', 'mixent-data.js');
    const cwd = mkdtempSync(join(tmpdir(), 'mixent-cli-'));
    const info = spawnSync(process.execPath, [command, 'info', testImages, '--json'], { cwd, encoding: 'utf8' });
    expect(info.status, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ dims: [3800, 28, 28] });
    const missing = spawnSync(process.execPath, [command, 'info', join(cwd, 'none.idx')], { cwd, encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(join(cwd, 'none.idx'));
  });
});
