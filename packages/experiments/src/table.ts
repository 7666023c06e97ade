import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { LETTERS } from '@mixent/data';
import { pathExists } from '@mixent/node-io';
import { type PaperTable, type RunRecord, buildPaperTable, runName, toMarkdown, writeReport } from '@mixent/reporting';
import { type ProfileName, type RunPredictions, type TrainConfig, type TrainSummary, isSameConfig, train } from '@mixent/training';
import { readTrainConfig } from './configs.js';
import { type ExperimentMatrix, experimentMatrix, lossDisplayName, modelDisplayName, publishedAccuracies, tableSpec } from './tables.js';

/** Options of trainRow. */
export interface TrainRowOptions {
  /** Seeds 0..seeds-1. */
  seeds: number;
  /** Train this one of them only (a task of a sweep). */
  only?: number;
  /** The row's folder: one sub-folder per seed. */
  outDir: string;
  /**
   * What identifies the row's inputs beyond its config (nx's task hash: the config, the code the row runs, its
   * options). Runs in `outDir` made under another are stale and are trained again.
   */
  inputsHash?: string;
  log?: (line: string) => void;
}

/** The file in a row's folder that records the inputs hash its runs were made under. */
const INPUTS_HASH_FILE = 'inputs-hash.txt';

/**
 * Trains one row of the table for each seed, into `<outDir>/seed-<s>/`. A seed whose run is
 * finished is kept and one that was interrupted is resumed, unless it was made with other inputs
 * (another inputs hash, or another config): then it is trained again from the start.
 */
export async function trainRow(row: string, profile: ProfileName, options: TrainRowOptions): Promise<void> {
  await claimRowFolder(options.outDir, options.inputsHash, options.log);
  for (let seed = 0; seed < options.seeds; seed++) {
    if (options.only !== undefined && seed !== options.only) continue;
    const config = await readTrainConfig(row, profile, { seed });
    const dir = join(options.outDir, `seed-${seed}`);
    const status = await seedRunStatus(dir, config, options.log);
    if (status === 'finished') {
      options.log?.(`${row} seed ${seed}: done already (${dir})`);
      continue;
    }
    await train(config, { outDir: dir, resume: status === 'interrupted', ...(options.log ? { log: options.log } : {}) });
  }
}

/** The inputs hash a row's folder records, or undefined when it records none. */
export async function recordedInputsHash(outDir: string): Promise<string | undefined> {
  const file = join(outDir, INPUTS_HASH_FILE);
  return (await pathExists(file)) ? (await readFile(file, 'utf8')).trim() : undefined;
}

/**
 * Prepares a row's folder for runs made under `inputsHash`: when the folder records another hash or none, its runs
 * are stale (nx re-runs a row because its inputs changed, and leaves the old outputs in place) and are deleted.
 * Without a hash (mixent train-row outside nx), only the per-seed config check of seedRunStatus applies.
 */
export async function claimRowFolder(outDir: string, inputsHash: string | undefined, log?: (line: string) => void): Promise<void> {
  if (inputsHash === undefined) return;
  const file = join(outDir, INPUTS_HASH_FILE);
  const recorded = await recordedInputsHash(outDir);
  if (recorded === inputsHash) return;
  // Runs without a recorded hash have unknown inputs (an older mixent, or train-row outside nx): stale too.
  if (await pathExists(outDir)) {
    log?.(`${outDir}: made with other inputs (hash ${recorded ?? 'not recorded'}, now ${inputsHash}); training the row again`);
    await rm(outDir, { recursive: true, force: true });
  }
  await mkdir(outDir, { recursive: true });
  await writeFileAtomic(file, `${inputsHash}\n`);
}

/** What a seed's run folder holds for a config: a finished run, an interrupted one, none, or a run of another config. */
export type SeedRunState = 'finished' | 'interrupted' | 'none' | 'other-config';

/** Reads what a seed's run folder holds for `config`, changing nothing. */
export async function seedRunState(dir: string, config: TrainConfig): Promise<SeedRunState> {
  const configFile = join(dir, 'config.json');
  if (await pathExists(configFile)) {
    let previous: unknown;
    try {
      previous = JSON.parse(await readFile(configFile, 'utf8'));
    } catch {
      previous = undefined; // unreadable: not this config either
    }
    if (!isSameConfig(previous, config)) return 'other-config';
  }
  if (await pathExists(join(dir, 'summary.json'))) return 'finished';
  return (await pathExists(join(dir, 'metrics.jsonl'))) ? 'interrupted' : 'none';
}

/**
 * What is in a seed's run folder for `config`: a finished run, an interrupted one (to resume), or none. A run made
 * with another config is deleted first (it would be reused or refused otherwise), and reads as none.
 */
export async function seedRunStatus(
  dir: string,
  config: TrainConfig,
  log?: (line: string) => void,
): Promise<'finished' | 'interrupted' | 'none'> {
  const state = await seedRunState(dir, config);
  if (state !== 'other-config') return state;
  log?.(`${dir}: made with another config (${join(dir, 'config.json')}); training it again`);
  await rm(dir, { recursive: true, force: true });
  return 'none';
}

/** The files train() leaves in a run directory that the table needs. */
interface RunFiles {
  config: TrainConfig;
  summary: TrainSummary;
  predictions: RunPredictions;
}

async function readRunFiles(dir: string): Promise<RunFiles> {
  const read = async <T>(file: string): Promise<T> => {
    try {
      return JSON.parse(await readFile(join(dir, file), 'utf8')) as T;
    } catch (error) {
      throw new Error(`${join(dir, file)}: cannot read the run (${(error as Error).message})`);
    }
  };
  const [config, summary, predictions] = await Promise.all([
    read<TrainConfig>('config.json'),
    read<TrainSummary>('summary.json'),
    read<RunPredictions>('predictions.json'),
  ]);
  return { config, summary, predictions };
}

function runRecordOf({ config, summary, predictions }: RunFiles, matrix: ExperimentMatrix): RunRecord {
  return {
    row: config.name,
    model: modelDisplayName(config, matrix),
    loss: lossDisplayName(config, matrix),
    seed: config.seed,
    bestTestAccuracy: summary.bestTestAccuracy,
    valSelectedTestAccuracy: summary.valSelectedTestAccuracy,
    bestEpoch: summary.bestEpoch,
    epochs: summary.epochs,
    testPredictions: predictions.bestEpoch,
    testLabels: predictions.labels,
    // No numClasses: the confusion matrix then spans the classes the runs saw, not all 62 outputs.
  };
}

/** Reads the run of one row and seed back as the reporting package's RunRecord. */
export async function readRunRecord(dir: string, matrix: ExperimentMatrix = experimentMatrix()): Promise<RunRecord> {
  return runRecordOf(await readRunFiles(dir), matrix);
}

/** The files of every run under `runsDir/<row>/seed-<s>/`, in the table's row order, then by seed. */
async function readRunsOfRows(runsDir: string, rows: readonly string[]): Promise<RunFiles[]> {
  const runs: RunFiles[] = [];
  for (const row of rows) {
    const rowDir = join(runsDir, row);
    if (!(await pathExists(rowDir))) throw new Error(`${rowDir}: no runs of row ${row}; train it first (nx run experiments:train-${row})`);
    const seeds = (await readdir(rowDir)).filter((name) => /^seed-\d+$/.test(name)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    if (seeds.length === 0) throw new Error(`${rowDir}: no seed-<s> folders; train the row first (nx run experiments:train-${row})`);
    for (const seed of seeds) runs.push(await readRunFiles(join(rowDir, seed)));
  }
  return runs;
}

/** Every run under `runsDir/<row>/seed-<s>/`, in the order of `rows`, then by seed. */
export async function readRunRecords(
  runsDir: string,
  rows: readonly string[],
  matrix: ExperimentMatrix = experimentMatrix(),
): Promise<RunRecord[]> {
  return (await readRunsOfRows(runsDir, rows)).map((files) => runRecordOf(files, matrix));
}

/** One line that says what was run, for the table's title: reduced runs must say so. */
export function describeConfiguration(
  profile: ProfileName,
  config: TrainConfig,
  seeds: number,
  counts: TrainSummary['counts'],
  backend: string,
): string {
  const data =
    config.data.dataset === 'sample' ? 'embedded sample (real EMNIST-Letters test images, 19 classes)' : 'official EMNIST-Letters';
  const width =
    config.model.widthMultiplier === 1 ? 'full-width models' : `models at width ×${config.model.widthMultiplier} (not the paper's)`;
  return (
    `${profile} configuration: ${data}, ${counts.train} training / ${counts.validation} validation / ${counts.test} test images, ` +
    `${width}, ${config.epochs} epochs, ${seeds} seed${seeds === 1 ? '' : 's'} per row, ${backend} backend`
  );
}

/** Where buildAndWriteTable reads and writes, and what it expects. */
export interface TableOptions {
  profile: ProfileName;
  /** The folder of the rows' runs: `<runsDir>/<row>/seed-<s>/`. */
  runsDir: string;
  /** Where the table's files go. */
  outDir: string;
  /** Refuse runs that hold another number of seeds. */
  expectedSeeds?: number;
  /** The matrix the table belongs to (default: the app's tables.json). */
  matrix?: ExperimentMatrix;
}

/**
 * Builds a table of the experiment matrix from the runs of its rows, writes `<name>.{md,csv,tex,json}` and the
 * SVG figures into `outDir`, and returns the table and its Markdown. Runs that do not make one table (other
 * seeds, another recipe or backend) are refused before anything is written.
 */
export async function buildAndWriteTable(name: string, options: TableOptions): Promise<{ table: PaperTable; markdown: string }> {
  const { profile, runsDir, outDir, expectedSeeds, matrix = experimentMatrix() } = options;
  const spec = tableSpec(name, matrix);
  const files = await readRunsOfRows(runsDir, spec.rows);
  const runs = files.map((run) => runRecordOf(run, matrix));
  const seedList = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  if (expectedSeeds !== undefined && seedList.length !== expectedSeeds) {
    throw new Error(`${expectedSeeds} seeds asked for, but the runs in ${runsDir} hold seeds ${seedList.join(', ')}`);
  }
  for (const row of new Set(runs.map((r) => r.row))) {
    const seeds = runs
      .filter((r) => r.row === row)
      .map((r) => r.seed)
      .sort((a, b) => a - b);
    if (seeds.join() !== seedList.join())
      throw new Error(`${row} holds seeds ${seeds.join(', ')}, the other rows ${seedList.join(', ')}: every row needs the same seeds`);
  }
  // Rows differ in their model and loss only: the recipe, the data, the counts and the backend are the table's.
  const describe = ({ config, summary }: RunFiles) =>
    describeConfiguration(profile, config, seedList.length, summary.counts, summary.backend);
  const recipe = ({ config }: RunFiles) =>
    JSON.stringify({ ...config, name: '', description: '', seed: 0, loss: null, model: { ...config.model, name: '' } });
  const first = files[0] as RunFiles;
  const configuration = describe(first);
  files.forEach((file, i) => {
    const described = describe(file);
    const mismatch =
      described !== configuration
        ? `"${described}" against "${configuration}"`
        : recipe(file) !== recipe(first)
          ? `its config differs beyond model and loss (${recipe(file)} against ${recipe(first)})`
          : undefined;
    if (mismatch) throw new Error(`${runName(runs[i] as RunRecord)} does not match ${runName(runs[0] as RunRecord)}: ${mismatch}`);
  });
  const table = buildPaperTable(runs, {
    configuration,
    baselineRow: spec.baseline,
    published: publishedAccuracies(spec.rows, matrix),
    rowOrder: spec.rows,
  });
  const classNames = Array.from({ length: first.config.model.numClasses }, (_, i) => LETTERS[i] ?? `output ${i}`);
  await writeReport(outDir, table, runs, { classNames, name });
  return { table, markdown: toMarkdown(table) };
}
