import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from '@mixent/node-io';
import type { ProfileName } from '@mixent/training';
import { integerFlag, profileFlag } from './flags.js';
import { type SlurmResources, SlurmUnavailableError } from './slurm.js';
import { formatStatus, planSweep, submitSweep, sweepInputsHash, sweepScript, sweepStatus, waitForSweep } from './sweep.js';
import { buildAndWriteTable } from './table.js';
import { experimentMatrix, runsFolder, tableFolder, tableSpec } from './tables.js';

/** What runSweep submits: a table's rows, or one row (an nx row target under a `-slurm` configuration). */
interface SweepOptions {
  table?: string;
  rows: readonly string[];
  label: string;
  profile: ProfileName;
  seeds: number;
  runsDir: string;
  backend?: string;
  resources: SlurmResources;
  dryRun: boolean;
  wait: boolean;
  pollSeconds: number;
}

/** The flags of `mixent sweep` that `train-row --scheduler slurm` shares. */
export const SLURM_FLAGS = {
  scheduler: { type: 'string' },
  partition: { type: 'string' },
  'gpus-per-task': { type: 'string' },
  'cpus-per-task': { type: 'string' },
  time: { type: 'string' },
  'max-parallel': { type: 'string' },
  'sbatch-arg': { type: 'string', multiple: true },
  'dry-run': { type: 'boolean', default: false },
  poll: { type: 'string', default: '30' },
} as const;

type SlurmFlagValues = {
  [K in keyof typeof SLURM_FLAGS]?: (typeof SLURM_FLAGS)[K] extends { multiple: true } ? string[] : string | boolean;
};

/** The resources of a sweep: tables.json's `slurm` section for the profile, then the flags. */
function resourcesOf(values: SlurmFlagValues, profile: ProfileName): { resources: SlurmResources; backend?: string } {
  const { backend, ...fromMatrix } = experimentMatrix().slurm?.[profile] ?? {};
  const integer = (flag: keyof SlurmFlagValues) => {
    const value = values[flag];
    return typeof value === 'string' ? integerFlag(`--${flag}`, value) : undefined;
  };
  const flags: SlurmResources = {
    ...(typeof values.partition === 'string' ? { partition: values.partition } : {}),
    ...(integer('gpus-per-task') !== undefined ? { gpusPerTask: integer('gpus-per-task') } : {}),
    ...(integer('cpus-per-task') !== undefined ? { cpusPerTask: integer('cpus-per-task') } : {}),
    ...(typeof values.time === 'string' ? { time: values.time } : {}),
    ...(integer('max-parallel') !== undefined ? { maxParallel: integer('max-parallel') } : {}),
    ...(values['sbatch-arg'] ? { sbatchArgs: [...(fromMatrix.sbatchArgs ?? []), ...values['sbatch-arg']] } : {}),
  };
  return { resources: { ...fromMatrix, ...flags }, ...(backend ? { backend } : {}) };
}

/** Plans a sweep, then prints its script (dry run), or submits it and, with `wait`, waits and builds the table. */
async function runSweep(options: SweepOptions, io: CliIo): Promise<number> {
  const log = (line: string) => io.stderr(`${line}\n`);
  const inputsHash = process.env.NX_TASK_HASH ?? (await sweepInputsHash(options.profile, options.backend));
  const plan = await planSweep({
    label: options.label,
    rows: options.rows,
    seeds: options.seeds,
    profile: options.profile,
    runsDir: options.runsDir,
    inputsHash,
    ...(options.backend ? { backend: options.backend } : {}),
  });
  if (options.dryRun) {
    if (plan.tasks.length === 0) io.stdout(`# ${options.label}: all ${plan.finished.length} runs are done; nothing to submit\n`);
    else io.stdout(sweepScript(plan, options.resources));
    return 0;
  }
  if (plan.tasks.length > 0) {
    const { manifest, locks } = await submitSweep(plan, options.resources, log);
    io.stdout(
      `${options.label}: submitted Slurm job ${manifest.jobId}, ${plan.tasks.length} task${plan.tasks.length === 1 ? '' : 's'} ` +
        `(${plan.tasks.filter((t) => t.resumes).length} resuming an interrupted run; ${plan.finished.length} runs done already); ` +
        `mixent sweep status --runs ${options.runsDir}\n`,
    );
    if (!options.wait) return 0;
    let statuses;
    try {
      statuses = await waitForSweep(options.runsDir, manifest.jobId, { pollSeconds: options.pollSeconds, log });
    } finally {
      await locks.release();
    }
    const unfinished = statuses.filter((s) => s.state !== 'done');
    if (unfinished.length > 0) {
      io.stderr(`${formatStatus(unfinished)}\n`);
      throw new Error(`${options.label}: ${unfinished.length} run${unfinished.length === 1 ? '' : 's'} did not finish (above)`);
    }
  } else {
    log(`${options.label}: all ${plan.finished.length} runs are done already in ${options.runsDir}`);
  }
  if (options.table && options.wait) {
    const outDir = tableFolder(options.table, options.profile);
    const { markdown } = await buildAndWriteTable(options.table, {
      profile: options.profile,
      runsDir: options.runsDir,
      outDir,
      expectedSeeds: options.seeds,
    });
    io.stdout(`${markdown}\nWritten to ${outDir}\n`);
  }
  return 0;
}

/** The common part of a sweep's options from its flags. */
function sweepOptionsOf(
  values: SlurmFlagValues & { profile?: string; seeds?: string; runs?: string; backend?: string; wait?: boolean },
): Omit<SweepOptions, 'rows' | 'label' | 'table'> {
  if (values.scheduler !== undefined && values.scheduler !== 'slurm') {
    throw new Error(`--scheduler ${String(values.scheduler)}: the scheduler is slurm (a Kubernetes Indexed Job maps the same way; README)`);
  }
  const profile = profileFlag(values.profile);
  const seeds = values.seeds === undefined ? experimentMatrix().seeds : integerFlag('--seeds', values.seeds);
  if (seeds < 1) throw new Error('--seeds must be at least 1');
  const { resources, backend } = resourcesOf(values, profile);
  const chosenBackend = values.backend ?? backend;
  return {
    profile,
    seeds,
    runsDir: resolve(values.runs ?? runsFolder(profile)),
    ...(chosenBackend ? { backend: chosenBackend } : {}),
    resources,
    dryRun: values['dry-run'] === true,
    wait: values.wait === true,
    pollSeconds: integerFlag('--poll', typeof values.poll === 'string' ? values.poll : '30'),
  };
}

/** `mixent sweep --table T …`: a table's rows × seeds as one Slurm job array; `mixent sweep status`: where they stand. */
export async function sweepCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'status') return await sweepStatusCommand(argv.slice(1), io);
  const { values } = parseArgs({
    args: [...argv],
    options: {
      table: { type: 'string' },
      profile: { type: 'string', default: 'sample' },
      seeds: { type: 'string' },
      runs: { type: 'string' },
      backend: { type: 'string' },
      wait: { type: 'boolean', default: false },
      ...SLURM_FLAGS,
    },
  });
  if (!values.table)
    throw new Error(`sweep needs --table (${Object.keys(experimentMatrix().tables).join(', ')}; the -table may be left off)`);
  const table = values.table.endsWith('-table') ? values.table : `${values.table}-table`;
  const { rows } = tableSpec(table);
  return await runSweep({ ...sweepOptionsOf(values), table, rows, label: table }, io);
}

/** `train-row --row R --scheduler slurm`: the row's seeds as a job array, waited for (nx's `-c <profile>-slurm`). */
export async function trainRowOnSlurm(
  row: string,
  values: SlurmFlagValues & { profile?: string; seeds?: string; runs?: string; backend?: string },
  io: CliIo,
): Promise<number> {
  return await runSweep({ ...sweepOptionsOf({ ...values, wait: true }), rows: [row], label: row }, io);
}

async function sweepStatusCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { runs: { type: 'string' }, profile: { type: 'string', default: 'sample' }, json: { type: 'boolean', default: false } },
  });
  const runsDir = resolve(values.runs ?? runsFolder(profileFlag(values.profile)));
  // Without a working squeue (another machine, a copied folder), the run folders still tell most of it.
  const statuses = await sweepStatus(runsDir).catch(async (error: Error) => {
    const reason = error instanceof SlurmUnavailableError ? error.message.split(':')[0] : error.message.split('\n')[0];
    io.stderr(`${reason}: states from the run folders only (a queued run shows as stopped)\n`);
    return await sweepStatus(runsDir, { queue: false });
  });
  if (values.json) io.stdout(`${JSON.stringify(statuses, null, 2)}\n`);
  else io.stdout(statuses.length === 0 ? `${runsDir}: no sweep has been submitted here\n` : `${formatStatus(statuses)}\n`);
  return 0;
}
