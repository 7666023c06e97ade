import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readLetterSet } from '@mixent/data';
import { MODEL_NAMES, type ModelName, isModelName, loadModel } from '@mixent/models';
import writeFileAtomic from 'write-file-atomic';
import { type CliIo, processIo } from '@mixent/node-io';
import { BACKEND_NAMES, type Evaluation, type ProfileName, compareTrainingStep, selectBackend, train } from '@mixent/training';
import { namedConfigs, readTrainConfig } from './configs.js';
import { buildAndWriteTable, trainRow } from './table.js';
import { TABLES_FILE, experimentMatrix, runsFolder, tableFolder } from './tables.js';
import { comparisonTestSet, compareModels, evaluateModel } from './compare.js';
import { importTorchCheckpoint, importedModelInfo } from './torch-import.js';
import { formatPValue } from '@mixent/reporting';
import { integerFlag, profileFlag } from './flags.js';
import { SLURM_FLAGS, sweepCommand, trainRowOnSlurm } from './sweep-command.js';

/** A list for the help: a bundle of this app (tools/device-bundle.sh) has no configs folder and no tables.json. */
function listForHelp(list: () => readonly string[]): string {
  try {
    return list().join(', ');
  } catch {
    return 'none beside this build';
  }
}

/** The help text; a function, so that the configs folder is read only when the help is shown. */
const usage = () => `usage: mixent <command>
  train --config <file|name> [--profile sample|full] [--backend B] [--out dir] [--resume] [--seed N] [--epochs N]
  eval --model <dir> --images <idx> --labels <idx> [--json] [--predictions file] [--backend B] [--batch-size N]
  import-torch <checkpoint.pt> --model vgg5|spinal-vgg --out <dir>   a PyTorch checkpoint of the reference, for eval
  compare-checkpoints <model dir> <model dir>… [--images <idx> --labels <idx>] [--json]   McNemar against the first
  train-row --row <name> [--profile sample|full] [--seeds N | --seed S] [--backend B] [--runs dir] [--scheduler slurm]
      the row's seeds in <runs>/<name>; --scheduler slurm: as a Slurm job array, waited for
  <table> [--profile sample|full] [--runs dir] [--out dir] [--seeds N]   a table of tables.json from its rows' runs
  sweep --table <table> [--profile sample|full] [--seeds N] [--runs dir] [--backend B] [--partition P] [--gpus-per-task N]
      [--cpus-per-task N] [--time HH:MM:SS] [--max-parallel K] [--sbatch-arg ARG]… [--dry-run] [--wait] [--poll S]
      a table's rows × seeds as one Slurm job array (resources: tables.json's slurm section, then these flags)
  sweep status [--runs dir] [--profile sample|full] [--json]   pending, running (epoch, ETA), done or failed, per run
  check-backend --backend B [--reference wasm,cpu] [--json]

Named configs: ${listForHelp(namedConfigs)} (packages/experiments/configs).
Tables: ${listForHelp(() => Object.keys(experimentMatrix().tables))} (packages/experiments/tables.json).
Profiles: sample (default; the embedded sample, a quick CPU budget) and full (the reference recipe on the official data).
Backends: ${BACKEND_NAMES.join(', ')}, auto (default; also MIXENT_BACKEND). wasm threads: MIXENT_WASM_THREADS (default: half the logical CPUs).`;

/** Runs the mixent command line and returns its exit code; errors are printed on stderr. */
export async function runMixentCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'train') return await trainCommand(rest, io);
    if (command === 'eval') return await evalCommand(rest, io);
    if (command === 'import-torch') return await importTorchCommand(rest, io);
    if (command === 'compare-checkpoints') return await compareCommand(rest, io);
    if (command === 'train-row') return await trainRowCommand(rest, io);
    if (command === 'sweep') return await sweepCommand(rest, io);
    if (command === 'check-backend') return await checkBackendCommand(rest, io);
    if (command?.endsWith('-table')) return await tableCommand(command, rest, io);
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
  const pct = (fraction: number) => `${(100 * fraction).toFixed(2)}%`;
  io.stdout(
    `${summary.name} (${summary.model}, ${summary.loss}, seed ${summary.seed}): test accuracy ${pct(summary.valSelectedTestAccuracy)} ` +
      `(validation-selected, epoch ${summary.valSelectedEpoch}); best on test ${pct(summary.bestTestAccuracy)} ` +
      `(epoch ${summary.bestEpoch} of ${summary.epochs.length}); ${summary.imagesPerSecond.toFixed(1)} img/s; written to ${outDir}\n`,
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
      predictions: { type: 'string' },
      backend: { type: 'string' },
      'batch-size': { type: 'string', default: '1000' },
    },
  });
  if (!values.model || !values.images || !values.labels) throw new Error('eval needs --model <dir> --images <idx> --labels <idx>');
  const backend = await selectBackend(values.backend);
  if (!values.json) io.stderr(`backend: ${backend.description}\n`);
  // One after the other, so that of two bad paths the error always names the same one: the model's.
  const model = await loadModel(values.model);
  const imported = importedModelInfo(model);
  if (imported && !values.json)
    io.stderr(`${values.model}: imported from ${imported.checkpoint}; fed its images transposed, as torchvision gives them\n`);
  let result: Evaluation;
  try {
    result = await evaluateModel(
      model,
      await readLetterSet(values.images, values.labels),
      integerFlag('--batch-size', values['batch-size']),
    );
  } finally {
    model.dispose();
  }
  // Class indices (0 = 'a'), one per image in the file's order, for paired tests.
  if (values.predictions) await writeFileAtomic(values.predictions, `${JSON.stringify(Array.from(result.predictions))}\n`);
  const report = {
    model: values.model,
    images: values.images,
    labels: values.labels,
    accuracy: result.accuracy,
    count: result.count,
    correct: result.correct,
    backend: backend.name,
  };
  io.stdout(
    values.json
      ? `${JSON.stringify(report)}\n`
      : `accuracy ${(100 * result.accuracy).toFixed(2)}% (${report.correct} of ${result.count})\n`,
  );
  return 0;
}

async function trainRowCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      row: { type: 'string' },
      profile: { type: 'string', default: 'sample' },
      seeds: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      runs: { type: 'string' },
      ...SLURM_FLAGS,
    },
  });
  const configs = namedConfigs();
  if (!values.row || !configs.includes(values.row)) throw new Error(`train-row needs --row, a named config: ${configs.join(', ')}`);
  if (values.scheduler !== undefined) return await trainRowOnSlurm(values.row, values, io);
  const profile = profileFlag(values.profile);
  if (values.seed !== undefined && values.seeds !== undefined) throw new Error('train-row takes --seeds N or --seed S, not both');
  const only = values.seed === undefined ? undefined : integerFlag('--seed', values.seed);
  const seeds =
    only !== undefined ? only + 1 : values.seeds === undefined ? experimentMatrix().seeds : integerFlag('--seeds', values.seeds);
  if (seeds < 1) throw new Error('--seeds must be at least 1');
  await startBackend(values.backend, profile, io);
  const outDir = join(values.runs ?? runsFolder(profile), values.row);
  // Under nx, the task's hash identifies the row's inputs (config, code, options): runs left by other inputs are stale.
  // One seed is a task of a sweep, whose submission claimed the folder.
  const inputsHash = only === undefined ? process.env.NX_TASK_HASH : undefined;
  await trainRow(values.row, profile, {
    seeds,
    outDir,
    ...(only !== undefined ? { only } : {}),
    ...(inputsHash ? { inputsHash } : {}),
    log: (line) => io.stderr(`${line}\n`),
  });
  io.stdout(`${values.row}: ${only !== undefined ? `seed ${only}` : `${seeds} seed${seeds === 1 ? '' : 's'}`} in ${outDir}\n`);
  return 0;
}

/** A table of tables.json from its rows' runs, by default where train-row puts them and tables.json says. */
async function tableCommand(name: string, argv: readonly string[], io: CliIo): Promise<number> {
  if (!(name in experimentMatrix().tables)) throw new Error(`unknown command '${name}': no such table in ${TABLES_FILE}\n${usage()}`);
  const { values } = parseArgs({
    args: [...argv],
    options: {
      profile: { type: 'string', default: 'sample' },
      runs: { type: 'string' },
      out: { type: 'string' },
      seeds: { type: 'string' },
    },
  });
  const profile = profileFlag(values.profile);
  const outDir = values.out ?? tableFolder(name, profile);
  const expectedSeeds = values.seeds === undefined ? undefined : integerFlag('--seeds', values.seeds);
  const { markdown } = await buildAndWriteTable(name, {
    profile,
    runsDir: values.runs ?? runsFolder(profile),
    outDir,
    ...(expectedSeeds === undefined ? {} : { expectedSeeds }),
  });
  io.stdout(`${markdown}\nWritten to ${outDir}: ${name}.{md,csv,tex,json}, accuracy-curves.svg, confusion-matrix.svg\n`);
  return 0;
}

/** Reads a PyTorch checkpoint of the reference model into a model directory that eval loads. */
async function importTorchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { model: { type: 'string' }, out: { type: 'string' } },
  });
  const [checkpoint] = positionals;
  if (positionals.length !== 1 || !checkpoint || !values.out || !isModelName(values.model ?? '')) {
    throw new Error(`import-torch needs <checkpoint.pt> --model ${MODEL_NAMES.join('|')} --out <dir>`);
  }
  const info = await importTorchCheckpoint(checkpoint, values.model as ModelName, values.out);
  const weights = info.lossWeights ? `; learned loss weights w1 ${info.lossWeights.w1}, w2 ${info.lossWeights.w2}` : '';
  io.stdout(
    `${checkpoint}: ${info.model} at width ×${info.widthMultiplier}, BatchNorm num_batches_tracked ${info.numBatchesTracked.join(', ')}${weights}; ` +
      `written to ${values.out} (eval feeds it transposed images, as torchvision gives them)\n`,
  );
  return 0;
}

/** Evaluates models on one test set and tests each against the first, as the paper's checkpoints are compared. */
async function compareCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      images: { type: 'string' },
      labels: { type: 'string' },
      json: { type: 'boolean', default: false },
      backend: { type: 'string' },
    },
  });
  if (positionals.length < 2) throw new Error('compare-checkpoints needs two model directories or more (import-torch writes them)');
  if ((values.images === undefined) !== (values.labels === undefined))
    throw new Error('compare-checkpoints takes --images and --labels together');
  const backend = await selectBackend(values.backend);
  const log = (line: string) => io.stderr(`${line}\n`);
  const { set, name } =
    values.images && values.labels
      ? { set: await readLetterSet(values.images, values.labels), name: values.images }
      : await comparisonTestSet(log);
  const results = await compareModels(positionals, set);
  if (values.json) {
    io.stdout(`${JSON.stringify({ testSet: name, count: set.count, backend: backend.name, results }, null, 2)}\n`);
    return 0;
  }
  io.stdout(`${set.count} images of ${name}, ${backend.name} backend; Δ images and exact McNemar p against ${positionals[0]}:\n`);
  for (const r of results) {
    const against =
      r.pValue === null ? 'baseline' : `Δ ${r.deltaImages >= 0 ? '+' : ''}${r.deltaImages} images, p = ${formatPValue(r.pValue)}`;
    io.stdout(`  ${r.model}: ${(100 * r.accuracy).toFixed(3)}% (${r.correct} of ${set.count}), ${against}\n`);
  }
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
  if (!values.backend)
    throw new Error('check-backend needs --backend <name> (the one to check against --reference, wasm and cpu by default)');
  const candidate = values.backend;
  const references = values.reference
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name && name !== candidate);
  if (references.length === 0)
    throw new Error(`check-backend: no reference backend other than ${candidate} (--reference ${values.reference})`);
  const results = [];
  for (const reference of references) for (const model of MODEL_NAMES) results.push(await compareTrainingStep(model, reference, candidate));
  // Float32 rounding differs by orders of magnitude less than a wrong kernel does (the README gives both).
  const tolerance = 1e-3;
  const agree = results.every((r) => r.maxRelativeError < tolerance);
  if (values.json) {
    io.stdout(`${JSON.stringify({ agree, tolerance, results }, null, 2)}\n`);
  } else {
    for (const [k, r] of results.entries()) {
      if (k % MODEL_NAMES.length === 0)
        io.stdout(`${r.candidate.description} against ${r.reference.description}, one training step (×0.125, batch 4):\n`);
      const worst = r.variables.reduce((a, b) => (b.relativeError > a.relativeError ? b : a));
      io.stdout(
        `  ${r.model}: largest relative gradient error ${r.maxRelativeError.toExponential(2)} (${worst.variable}) ${r.maxRelativeError < tolerance ? 'ok' : 'TOO LARGE'}\n`,
      );
    }
  }
  return agree ? 0 : 1;
}

/** Starts the backend and says which; the full profile refuses the pure-JavaScript cpu backend. */
async function startBackend(preference: string | undefined, profile: ProfileName, io: CliIo): Promise<void> {
  const backend = await selectBackend(preference);
  io.stderr(`backend: ${backend.description}, ${backend.package} ${backend.version}\n`);
  if (profile === 'full' && backend.name === 'cpu') {
    throw new Error(
      'the full profile on the pure-JavaScript cpu backend would take months (about 1 GFLOP per training image at ~1 GFLOP/s): use --backend torch, tensorflow, webgpu or wasm',
    );
  }
}
