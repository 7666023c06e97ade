import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CliIo, processIo, readLetterSet } from '@mixent/data';
import { MODEL_NAMES, loadModel } from '@mixent/models';
import { type ProfileName, compareTrainingStep, evaluate, selectBackend, train } from '@mixent/training';
import { namedConfigs, readTrainConfig } from './configs.js';
import { DEFAULT_SEEDS, type TableName, buildAndWriteTable, trainRow } from './paper-table.js';

/** The configs a user can name, for the help: a bundle of this app (tools/device-bundle.sh) has no configs folder. */
function configsForHelp(): string {
  try {
    return namedConfigs().join(', ');
  } catch {
    return 'none beside this build';
  }
}

/** The help text; a function, so that the configs folder is read only when the help is shown. */
const usage = () => `usage: mixent <command>
  train --config <file|name> [--profile sample|full] [--backend B] [--out dir] [--resume] [--seed N] [--epochs N]
  eval --model <dir> --images <idx> --labels <idx> [--json] [--backend B] [--batch-size N]
  train-row --row <name> [--profile sample|full] [--seeds N] [--backend B] [--runs dir]   the row's seeds in <runs>/<name>
  paper-table [--profile sample|full] [--runs dir] [--out dir] [--seeds N]
  loss-table  [--profile sample|full] [--runs dir] [--out dir] [--seeds N]   VGG-5 with every loss, beyond the paper
  check-backend --backend B [--reference wasm,cpu] [--json]

Named configs: ${configsForHelp()} (packages/experiments/configs).
Profiles: sample (default; the embedded sample, a quick CPU budget) and full (the reference recipe on the official data).
Backends: tensorflow, webgpu, wasm, cpu, auto (default; also MIXENT_BACKEND). wasm threads: MIXENT_WASM_THREADS (default: half the logical CPUs).`;

/** Runs the mixent command line and returns its exit code; errors are printed on stderr. */
export async function runMixentCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'train') return await trainCommand(rest, io);
    if (command === 'eval') return await evalCommand(rest, io);
    if (command === 'train-row') return await trainRowCommand(rest, io);
    if (command === 'paper-table' || command === 'loss-table') return await tableCommand(command, rest, io);
    if (command === 'check-backend') return await checkBackendCommand(rest, io);
    if (command === undefined || command === 'help' || command === '--help') {
      io.stdout(`${usage()}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new Error(`unknown command '${command}'\n${usage()}`);
  } catch (error) {
    io.stderr(`mixent: ${(error as Error).message}\n`);
    return 1;
  }
}

async function trainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string' },
      profile: { type: 'string', default: 'sample' },
      backend: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean', default: false },
      seed: { type: 'string' },
      epochs: { type: 'string' },
    },
  });
  if (!values.config) throw new Error('train needs --config <file|name>');
  const profile = profileFlag(values.profile);
  const overrides = {
    ...(values.seed !== undefined ? { seed: integerFlag('--seed', values.seed) } : {}),
    ...(values.epochs !== undefined ? { epochs: integerFlag('--epochs', values.epochs) } : {}),
  };
  const config = await readTrainConfig(values.config, profile, overrides);
  await startBackend(values.backend, profile, io);
  const outDir = values.out ?? join('runs', profile, `${config.name}-seed${config.seed}`);
  const summary = await train(config, { outDir, resume: values.resume, log: (line) => io.stderr(`${line}\n`) });
  io.stdout(
    `${summary.name} (${summary.model}, ${summary.loss}, seed ${summary.seed}): test accuracy ${(100 * summary.testAccuracy).toFixed(2)}% ` +
      `(best of ${summary.epochs.length} epochs, epoch ${summary.bestEpoch}); validation-selected ${(100 * summary.valSelectedTestAccuracy).toFixed(2)}%; ` +
      `${summary.imagesPerSecond.toFixed(1)} img/s; written to ${outDir}\n`,
  );
  return 0;
}

async function evalCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      model: { type: 'string' },
      images: { type: 'string' },
      labels: { type: 'string' },
      json: { type: 'boolean', default: false },
      backend: { type: 'string' },
      'batch-size': { type: 'string', default: '1000' },
    },
  });
  if (!values.model || !values.images || !values.labels) throw new Error('eval needs --model <dir> --images <idx> --labels <idx>');
  const backend = await selectBackend(values.backend);
  if (!values.json) io.stderr(`backend: ${backend.description}\n`);
  // One after the other, so that of two bad paths the error always names the same one: the model's.
  const model = await loadModel(values.model);
  let result: Awaited<ReturnType<typeof evaluate>>;
  try {
    result = await evaluate(model, await readLetterSet(values.images, values.labels), integerFlag('--batch-size', values['batch-size']));
  } finally {
    model.dispose();
  }
  const report = { model: values.model, images: values.images, labels: values.labels, accuracy: result.accuracy, count: result.count, correct: result.correct, backend: backend.name };
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : `accuracy ${(100 * result.accuracy).toFixed(2)}% (${report.correct} of ${result.count})\n`);
  return 0;
}

async function trainRowCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      row: { type: 'string' },
      profile: { type: 'string', default: 'sample' },
      seeds: { type: 'string', default: String(DEFAULT_SEEDS) },
      backend: { type: 'string' },
      runs: { type: 'string' },
      // nx passes a table target's command-line options on to its rows (for --seeds and --runs); --out is the table's.
      out: { type: 'string' },
    },
  });
  const configs = namedConfigs();
  if (!values.row || !configs.includes(values.row)) throw new Error(`train-row needs --row, a named config: ${configs.join(', ')}`);
  if (values.out !== undefined && process.env.NX_TASK_HASH === undefined) {
    throw new Error('train-row takes --runs <dir> (the row goes to <dir>/<row>), not --out');
  }
  const profile = profileFlag(values.profile);
  const seeds = integerFlag('--seeds', values.seeds);
  if (seeds < 1) throw new Error('--seeds must be at least 1');
  await startBackend(values.backend, profile, io);
  const outDir = join(values.runs ?? join('results', profile, 'runs'), values.row);
  // Under nx, the task's hash identifies the row's inputs (config, code, options): runs left by other inputs are stale.
  const inputsHash = process.env.NX_TASK_HASH;
  await trainRow(values.row, profile, { seeds, outDir, ...(inputsHash ? { inputsHash } : {}), log: (line) => io.stderr(`${line}\n`) });
  io.stdout(`${values.row}: ${seeds} seed${seeds === 1 ? '' : 's'} in ${outDir}\n`);
  return 0;
}

/** paper-table and loss-table: the table from the rows' runs (by default where train-row puts them). */
async function tableCommand(name: TableName, argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { profile: { type: 'string', default: 'sample' }, runs: { type: 'string' }, out: { type: 'string' }, seeds: { type: 'string' } },
  });
  const profile = profileFlag(values.profile);
  // The two tables share their runs; each writes its own figures, so the loss table gets a folder of its own.
  const outDir = values.out ?? (name === 'paper-table' ? join('results', profile) : join('results', profile, name));
  const seeds = values.seeds === undefined ? undefined : integerFlag('--seeds', values.seeds);
  const { markdown } = await buildAndWriteTable(name, profile, values.runs ?? join('results', profile, 'runs'), outDir, seeds);
  io.stdout(`${markdown}\nWritten to ${outDir}: ${name}.{md,csv,tex,json}, accuracy-curves.svg, confusion-matrix.svg\n`);
  return 0;
}

/**
 * Checks that a backend computes the gradients of a training step of each model as each reference backend does
 * (by default wasm and cpu, less the backend itself).
 */
async function checkBackendCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { backend: { type: 'string' }, reference: { type: 'string', default: 'wasm,cpu' }, json: { type: 'boolean', default: false } },
  });
  if (!values.backend) throw new Error('check-backend needs --backend <name> (the one to check against --reference, wasm and cpu by default)');
  const candidate = values.backend;
  const references = values.reference.split(',').map((name) => name.trim()).filter((name) => name && name !== candidate);
  if (references.length === 0) throw new Error(`check-backend: no reference backend other than ${candidate} (--reference ${values.reference})`);
  const results = [];
  for (const reference of references) for (const model of MODEL_NAMES) results.push(await compareTrainingStep(model, reference, candidate));
  // Float32 rounding gives 1e-5–1e-4 here (wasm against cpu, webgpu or torch against wasm); a wrong kernel gives far more.
  const tolerance = 1e-3;
  const agree = results.every((r) => r.maxRelativeError < tolerance);
  if (values.json) {
    io.stdout(`${JSON.stringify({ agree, tolerance, results }, null, 2)}\n`);
  } else {
    for (const [k, r] of results.entries()) {
      if (k % MODEL_NAMES.length === 0) io.stdout(`${r.candidate.description} against ${r.reference.description}, one training step (×0.125, batch 4):\n`);
      const worst = r.variables.reduce((a, b) => (b.relativeError > a.relativeError ? b : a));
      io.stdout(`  ${r.model}: largest relative gradient error ${r.maxRelativeError.toExponential(2)} (${worst.variable}) ${r.maxRelativeError < tolerance ? 'ok' : 'TOO LARGE'}\n`);
    }
  }
  return agree ? 0 : 1;
}

/** Starts the backend and says which; the full profile refuses the pure-JavaScript cpu backend. */
async function startBackend(preference: string | undefined, profile: ProfileName, io: CliIo): Promise<void> {
  const backend = await selectBackend(preference);
  io.stderr(`backend: ${backend.description}, ${backend.package} ${backend.version}\n`);
  if (profile === 'full' && backend.name === 'cpu') {
    throw new Error('the full profile on the pure-JavaScript cpu backend would take months (about 1 GFLOP per training image at ~1 GFLOP/s): use --backend torch, tensorflow, webgpu or wasm');
  }
}

function profileFlag(value: string | undefined): ProfileName {
  if (value !== 'sample' && value !== 'full') throw new Error(`--profile must be sample or full, got '${value}'`);
  return value;
}

function integerFlag(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a non-negative integer, got '${value}'`);
  return Number(value);
}
