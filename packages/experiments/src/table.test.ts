import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunPredictions, TrainSummary } from '@mixent/training';
import { describe, expect, it } from 'vitest';
import { CONFIG_DIR, readTrainConfig } from './configs.js';
import { buildAndWriteTable, claimRowFolder, describeConfiguration, readRunRecords, seedRunStatus } from './table.js';
import { lossDisplayName, modelDisplayName, tableSpec } from './tables.js';

const PAPER_TABLE_ROWS = tableSpec('paper-table').rows;
const LOSS_TABLE_ROWS = tableSpec('loss-table').rows;

/** Writes a finished run as train() leaves it, with predictions right on the first `correct` of 20 test images. */
async function fakeRun(dir: string, row: string, seed: number, correct: number): Promise<void> {
  const config = await readTrainConfig(row, 'sample', { seed });
  const labels = Array.from({ length: 20 }, (_, i) => i % 19);
  const predictions = labels.map((label, i) => (i < correct ? label : (label + 1) % 19));
  const accuracy = correct / 20;
  const summary: Partial<TrainSummary> = {
    bestTestAccuracy: accuracy,
    valSelectedTestAccuracy: accuracy,
    bestEpoch: 3,
    epochs: [1, 2, 3].map((epoch) => ({
      epoch,
      loss: 1 / epoch,
      trainAccuracy: accuracy,
      valAccuracy: accuracy,
      testAccuracy: accuracy,
      learningRate: 0.005,
      seconds: 1,
    })),
    counts: { train: 9900, validation: 1100, test: 20 },
    backend: 'wasm',
  };
  const run: RunPredictions = { labels, bestEpoch: predictions, valSelectedEpoch: predictions };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  writeFileSync(join(dir, 'predictions.json'), JSON.stringify(run));
}

describe('the paper table from run directories', () => {
  it('names models with their width and losses as the paper does', async () => {
    const sample = await readTrainConfig('vgg5-minent', 'sample');
    expect(modelDisplayName(sample)).toBe('VGG-5 ×0.125');
    expect(lossDisplayName(sample)).toBe('MIN-ENT');
    const full = await readTrainConfig('spinalvgg-ce', 'full');
    expect(modelDisplayName(full)).toBe('Spinal-VGG');
    expect(lossDisplayName(full)).toBe('cross entropy');
    expect(describeConfiguration('sample', sample, 3, { train: 9900, validation: 1100, test: 3800 }, 'wasm')).toBe(
      "sample configuration: embedded sample (real EMNIST-Letters test images, 19 classes), 9900 training / 1100 validation / 3800 test images, models at width ×0.125 (not the paper's), 4 epochs, 3 seeds per row, wasm backend",
    );
  });

  it('reads every row and seed, builds the table and writes all its files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mixent-table-'));
    const runs = join(root, 'runs');
    const correct: Record<string, number[]> = {
      'vgg5-ce': [10, 11],
      'spinalvgg-ce': [10, 12],
      'vgg5-minent': [16, 17],
      'vgg5-mixent': [9, 10],
    };
    for (const row of PAPER_TABLE_ROWS)
      for (const seed of [0, 1]) await fakeRun(join(runs, row, `seed-${seed}`), row, seed, correct[row]![seed]!);
    const records = await readRunRecords(runs, PAPER_TABLE_ROWS);
    expect(records.map((r) => `${r.row}/${r.seed}`)).toEqual(PAPER_TABLE_ROWS.flatMap((row) => [`${row}/0`, `${row}/1`]));
    expect(records[4]).toMatchObject({ row: 'vgg5-minent', model: 'VGG-5 ×0.125', loss: 'MIN-ENT', seed: 0, bestTestAccuracy: 0.8 });

    const { table, markdown } = await buildAndWriteTable('paper-table', { profile: 'sample', runsDir: runs, outDir: root });
    expect(table.seeds).toEqual([0, 1]);
    expect(markdown).toContain('sample configuration: embedded sample');
    expect(markdown).toMatch(/\| VGG-5 ×0\.125 \| MIN-ENT \| 95\.933 \| 80\.00 \/ 85\.00 \|/);
    // MIN-ENT is right on 6 more images than the baseline in both seeds and never worse: b = 6, c = 0, p = 2/2^6.
    const minent = table.rows.find((r) => r.row === 'vgg5-minent')!;
    expect(minent.seeds.map((s) => s.vsBaseline?.pValue)).toEqual([0.03125, 0.03125]);
    for (const file of [
      'paper-table.md',
      'paper-table.csv',
      'paper-table.tex',
      'paper-table.json',
      'accuracy-curves.svg',
      'confusion-matrix.svg',
    ]) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    expect(readFileSync(join(root, 'paper-table.md'), 'utf8')).toBe(markdown);
  });

  it('writes the loss table beyond the paper: every loss on VGG-5, against the same baseline, from the same runs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mixent-table-'));
    const runs = join(root, 'runs');
    for (const row of LOSS_TABLE_ROWS) expect(existsSync(join(CONFIG_DIR, `${row}.json`)), row).toBe(true);
    for (const [i, row] of LOSS_TABLE_ROWS.entries())
      for (const seed of [0, 1]) await fakeRun(join(runs, row, `seed-${seed}`), row, seed, 8 + i);
    const out = join(root, 'loss-table');
    const { table, markdown } = await buildAndWriteTable('loss-table', { profile: 'sample', runsDir: runs, outDir: out });
    expect(table.rows.map((r) => r.row)).toEqual([...LOSS_TABLE_ROWS]);
    expect(table.rows.map((r) => r.loss)).toEqual([
      'cross entropy',
      'MIN-ENT',
      'MIX-ENT',
      'symmetric CE',
      'confidence penalty',
      'label smoothing',
      'focal',
      'Poly-1',
    ]);
    // Rows the paper does not have: no published number, but the same per-seed McNemar test against VGG-5 CE.
    expect(markdown).toMatch(/\| VGG-5 ×0\.125 \| Poly-1 \| – \| 75\.00 \/ 75\.00 \|/);
    const poly1 = table.rows.find((r) => r.row === 'vgg5-poly1')!;
    expect(poly1.seeds.map((s) => s.vsBaseline?.netImages)).toEqual([7, 7]);
    expect(readFileSync(join(out, 'loss-table.md'), 'utf8')).toBe(markdown);
    expect(existsSync(join(out, 'accuracy-curves.svg'))).toBe(true);
  });

  it('refuses, before writing anything, runs with another number of seeds or a different configuration', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mixent-table-'));
    const runs = join(root, 'runs');
    for (const row of PAPER_TABLE_ROWS) for (const seed of [0, 1]) await fakeRun(join(runs, row, `seed-${seed}`), row, seed, 10);
    await expect(buildAndWriteTable('paper-table', { profile: 'sample', runsDir: runs, outDir: root, expectedSeeds: 3 })).rejects.toThrow(
      `3 seeds asked for, but the runs in ${runs} hold seeds 0, 1`,
    );
    expect(existsSync(join(root, 'paper-table.md'))).toBe(false);
    // One run trained on another backend: the title could not describe both.
    const summaryPath = join(runs, 'vgg5-mixent', 'seed-1', 'summary.json');
    writeFileSync(summaryPath, JSON.stringify({ ...(JSON.parse(readFileSync(summaryPath, 'utf8')) as object), backend: 'webgpu' }));
    await expect(buildAndWriteTable('paper-table', { profile: 'sample', runsDir: runs, outDir: root })).rejects.toThrow(
      /^vgg5-mixent seed 1 does not match vgg5-ce seed 0: ".*webgpu backend" against ".*wasm backend"$/,
    );
    expect(existsSync(join(root, 'paper-table.md'))).toBe(false);
    // A run with another learning rate, everything else alike.
    writeFileSync(summaryPath, JSON.stringify({ ...(JSON.parse(readFileSync(summaryPath, 'utf8')) as object), backend: 'wasm' }));
    const configPath = join(runs, 'vgg5-mixent', 'seed-1', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { optimizer: object };
    writeFileSync(configPath, JSON.stringify({ ...config, optimizer: { ...config.optimizer, learningRate: 0.1 } }));
    await expect(buildAndWriteTable('paper-table', { profile: 'sample', runsDir: runs, outDir: root })).rejects.toThrow(
      /^vgg5-mixent seed 1 does not match vgg5-ce seed 0: its config differs beyond model and loss/,
    );
    // A row with fewer seeds than the others.
    rmSync(join(runs, 'vgg5-mixent', 'seed-1'), { recursive: true });
    await expect(buildAndWriteTable('paper-table', { profile: 'sample', runsDir: runs, outDir: root })).rejects.toThrow(
      'vgg5-mixent holds seeds 0, the other rows 0, 1: every row needs the same seeds',
    );
    expect(existsSync(join(root, 'paper-table.md'))).toBe(false);
  });

  it('says which row is missing', async () => {
    const runs = join(mkdtempSync(join(tmpdir(), 'mixent-table-')), 'runs');
    await fakeRun(join(runs, 'vgg5-ce', 'seed-0'), 'vgg5-ce', 0, 10);
    await expect(readRunRecords(runs, PAPER_TABLE_ROWS)).rejects.toThrow(
      `${join(runs, 'spinalvgg-ce')}: no runs of row spinalvgg-ce; train it first (nx run experiments:train-spinalvgg-ce)`,
    );
    mkdirSync(join(runs, 'spinalvgg-ce'));
    await expect(readRunRecords(runs, PAPER_TABLE_ROWS)).rejects.toThrow(
      `${join(runs, 'spinalvgg-ce')}: no seed-<s> folders; train the row first`,
    );
  });
});

describe('a row folder keeps only runs made with its current inputs', () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  it('keeps a finished run of the same config, resumes an interrupted one, deletes one of another config', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mixent-row-')), 'seed-0');
    const config = await readTrainConfig('vgg5-minent', 'sample', { seed: 0 });
    expect(await seedRunStatus(dir, config)).toBe('none');
    await fakeRun(dir, 'vgg5-minent', 0, 10);
    expect(await seedRunStatus(dir, config)).toBe('finished');
    rmSync(join(dir, 'summary.json'));
    writeFileSync(join(dir, 'metrics.jsonl'), '{}\n');
    expect(await seedRunStatus(dir, config)).toBe('interrupted');
    // The row's config was edited (a loss weight): the run on disk no longer belongs to it.
    const edited = { ...config, loss: { ...config.loss, options: { ...config.loss.options, w1: 0.5 } } };
    expect(await seedRunStatus(dir, edited, log)).toBe('none');
    expect(existsSync(dir)).toBe(false);
    expect(lines.pop()).toBe(`${dir}: made with another config (${join(dir, 'config.json')}); training it again`);
    // An unreadable config.json cannot vouch for the run either.
    await fakeRun(dir, 'vgg5-minent', 0, 10);
    writeFileSync(join(dir, 'config.json'), '{ cut');
    expect(await seedRunStatus(dir, config)).toBe('none');
    expect(existsSync(dir)).toBe(false);
  });

  it('deletes the runs of a row whose inputs hash changed, and keeps them under the same hash', async () => {
    const row = join(mkdtempSync(join(tmpdir(), 'mixent-row-')), 'vgg5-ce');
    // Runs without a recorded hash have unknown inputs.
    await fakeRun(join(row, 'seed-0'), 'vgg5-ce', 0, 10);
    await claimRowFolder(row, 'hash-a', log);
    expect(existsSync(join(row, 'seed-0'))).toBe(false);
    expect(lines.pop()).toBe(`${row}: made with other inputs (hash not recorded, now hash-a); training the row again`);
    await fakeRun(join(row, 'seed-0'), 'vgg5-ce', 0, 10);
    await claimRowFolder(row, 'hash-a', log);
    expect(existsSync(join(row, 'seed-0', 'summary.json'))).toBe(true);
    // Outside nx there is no hash: nothing is deleted, and the recorded one stays.
    await claimRowFolder(row, undefined, log);
    expect(existsSync(join(row, 'seed-0', 'summary.json'))).toBe(true);
    await claimRowFolder(row, 'hash-b', log);
    expect(existsSync(join(row, 'seed-0'))).toBe(false);
    expect(readFileSync(join(row, 'inputs-hash.txt'), 'utf8')).toBe('hash-b\n');
    expect(lines.pop()).toBe(`${row}: made with other inputs (hash hash-a, now hash-b); training the row again`);
  });
});
