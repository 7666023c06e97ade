import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import writeFileAtomic from 'write-file-atomic';
import { pathExists } from '@mixent/node-io';
import type { ProfileName } from '@mixent/training';
import { EXPERIMENTS_DIR, readTrainConfig } from './configs.js';
import { type QueuedTask, type SlurmResources, jobScript, queuedTaskStates, slurmCommand, submitScript } from './slurm.js';
import { claimRowFolder, recordedInputsHash, seedRunState } from './table.js';

/**
 * A sweep: rows × seeds of the experiment matrix as one Slurm job array, each task a `mixent train-row --row R
 * --seed S` into the shared runs folder, so the run folders are exactly train-row's. Beside them, `<runs>/.sweep/`
 * holds the sweep's own files: job scripts and manifests (jobs/), each task's log (logs/) and exit code (exit/), and
 * a lock per row that a running sweep holds (locks/).
 */

/** The app's folder, where `bin/mixent.js` is. */
const APP_DIR = fileURLToPath(new URL('../', import.meta.url));

/** What a sweep trains and where. */
export interface SweepRequest {
  /** The table or row it is for: the job's name. */
  label: string;
  rows: readonly string[];
  /** Seeds 0..seeds-1 of each row. */
  seeds: number;
  profile: ProfileName;
  /** The shared runs folder, absolute: `<runs>/<row>/seed-<s>/`. */
  runsDir: string;
  /** The backend each task trains on (default auto, on the compute node). */
  backend?: string;
  /** What identifies the code and options the runs are made with: runs of rows that recorded another are stale. */
  inputsHash: string;
}

/** A run to train: what one array task does. */
export interface SweepTask {
  row: string;
  seed: number;
  /** An interrupted run that the task resumes. */
  resumes: boolean;
}

/** A sweep's tasks, and the runs it skips because they are done. */
export interface SweepPlan extends SweepRequest {
  tasks: SweepTask[];
  finished: { row: string; seed: number }[];
}

/** What `<runs>/.sweep/jobs/<job>.json` records of a submitted sweep. */
export interface SweepManifest {
  jobId: string;
  label: string;
  profile: ProfileName;
  rows: string[];
  seeds: number;
  submitted: string;
  /** The array's tasks, by index. */
  tasks: { row: string; seed: number }[];
}

/** Where a sweep keeps its files in a runs folder. */
export function sweepFolder(runsDir: string): { root: string; jobs: string; logs: string; exit: string; locks: string } {
  const root = join(runsDir, '.sweep');
  return { root, jobs: join(root, 'jobs'), logs: join(root, 'logs'), exit: join(root, 'exit'), locks: join(root, 'locks') };
}

/**
 * The inputs hash of a sweep outside nx: the code (the sources of the workspace's packages, their package.json
 * files and the lock file), the profile and the backend. Like nx's task hash for the rows, it makes runs of other
 * code stale; the configs are checked run by run.
 */
export async function sweepInputsHash(profile: ProfileName, backend: string | undefined): Promise<string> {
  const workspace = join(APP_DIR, '..', '..');
  const hash = createHash('sha256').update(JSON.stringify({ profile, backend: backend ?? process.env.MIXENT_BACKEND ?? 'auto' }));
  const packages = (await readdir(join(workspace, 'packages'))).sort();
  const files = [join(workspace, 'package-lock.json')];
  for (const name of packages) {
    const root = join(workspace, 'packages', name);
    files.push(join(root, 'package.json'));
    for (const folder of ['src', 'bin']) {
      if (!(await pathExists(join(root, folder)))) continue;
      const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true });
      for (const entry of entries) {
        const path = join(entry.parentPath, entry.name);
        if (entry.isFile() && !/\.test(-util)?\.ts$|__fixtures__/.test(path)) files.push(path);
      }
    }
  }
  for (const file of files.sort()) {
    if (!(await pathExists(file))) continue;
    hash
      .update(relative(workspace, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return `sweep-${hash.digest('hex').slice(0, 32)}`;
}

/**
 * Which runs a sweep trains: every (row, seed) but those finished under this config and inputs hash. Every config
 * is read and checked first, so that a bad one is refused before anything is submitted. Nothing is changed.
 */
export async function planSweep(request: SweepRequest): Promise<SweepPlan> {
  const tasks: SweepTask[] = [];
  const finished: SweepPlan['finished'] = [];
  for (const row of request.rows) {
    const rowDir = join(request.runsDir, row);
    const stale = (await recordedInputsHash(rowDir)) !== request.inputsHash;
    for (let seed = 0; seed < request.seeds; seed++) {
      const config = await readTrainConfig(row, request.profile, { seed });
      const state = stale ? 'none' : await seedRunState(join(rowDir, `seed-${seed}`), config);
      if (state === 'finished') finished.push({ row, seed });
      else tasks.push({ row, seed, resumes: state === 'interrupted' });
    }
  }
  return { ...request, tasks, finished };
}

/** The job script of a plan; `jobName` is `mixent-<label>`. */
export function sweepScript(plan: SweepPlan, resources: SlurmResources): string {
  const folders = sweepFolder(plan.runsDir);
  const command = [
    process.execPath,
    join(APP_DIR, 'bin', 'mixent.js'),
    'train-row',
    '--profile',
    plan.profile,
    '--runs',
    plan.runsDir,
    ...(plan.backend ? ['--backend', plan.backend] : []),
  ];
  // What the submitting shell chose travels with the script, whatever the cluster's --export default.
  const env: Record<string, string> = {
    ...(process.env.MIXENT_EXPERIMENTS ? { MIXENT_EXPERIMENTS: EXPERIMENTS_DIR } : {}),
    ...(process.env.MIXENT_BACKEND ? { MIXENT_BACKEND: process.env.MIXENT_BACKEND } : {}),
  };
  return jobScript({
    jobName: `mixent-${plan.label}`,
    tasks: plan.tasks,
    resources,
    logPattern: join(folders.logs, '%A_%a.log'),
    exitDir: folders.exit,
    workDir: APP_DIR,
    command,
    env,
    description:
      `mixent sweep: ${plan.label}, ${plan.profile} profile, ${plan.tasks.length} task${plan.tasks.length === 1 ? '' : 's'} ` +
      `(rows × seeds ${plan.rows.length} × ${plan.seeds}: ${plan.tasks.filter((t) => t.resumes).length} resume an interrupted run, ` +
      `${plan.finished.length} are done already), runs in ${plan.runsDir}.\n` +
      'Written by mixent sweep; mixent sweep status --runs <runs> shows its progress.',
  });
}

/** Who holds a row's lock: the sweep's job once submitted, the submitting process before. */
interface LockOwner {
  jobId?: string;
  label: string;
  host: string;
  pid: number;
  since: string;
}

/** Whether a lock's owner still writes: its job is in the queue, or its submitting process is alive. */
async function lockIsLive(owner: LockOwner): Promise<boolean> {
  if (owner.jobId) return (await queuedTaskStates([owner.jobId])).size > 0;
  if (owner.host !== hostname()) return true; // another machine's submission: not ours to judge
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The locks a sweep holds on its rows, until its job leaves the queue or it releases them. */
export interface RowLocks {
  /** Records the submitted job as their owner. */
  assign(jobId: string): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes a lock on each row of a sweep, refusing (and taking none) when a live sweep holds one: two sweeps that write
 * the same run folders at once would corrupt them. A lock whose job has left the queue is stale and taken over.
 */
export async function lockRows(runsDir: string, rows: readonly string[], label: string): Promise<RowLocks> {
  const { locks } = sweepFolder(runsDir);
  await mkdir(locks, { recursive: true });
  const owner: LockOwner = { label, host: hostname(), pid: process.pid, since: new Date().toISOString() };
  const held: string[] = [];
  const release = async () => {
    await Promise.all(held.map((file) => rm(file, { force: true })));
  };
  try {
    for (const row of rows) {
      const file = join(locks, `${row}.json`);
      for (let attempt = 0; ; attempt++) {
        try {
          await writeFile(file, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
          held.push(file);
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
        }
        const other = JSON.parse(await readFile(file, 'utf8')) as LockOwner;
        if (await lockIsLive(other)) {
          const who = other.jobId ? `Slurm job ${other.jobId}` : `process ${other.pid} on ${other.host}, submitting`;
          throw new Error(
            `${runsDir}: row ${row} is being written by the sweep ${other.label} (${who}, since ${other.since}); ` +
              `wait for it or scancel it (its lock: ${file})`,
          );
        }
        await rm(file, { force: true });
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  return {
    assign: async (jobId) => {
      await Promise.all(held.map((file) => writeFileAtomic(file, `${JSON.stringify({ ...owner, jobId })}\n`)));
    },
    release,
  };
}

/**
 * Submits a plan as one job array: locks its rows, claims their folders under the plan's inputs hash (stale runs
 * are deleted, as nx's rows do), writes the script and its manifest, and gives the job id and the locks.
 */
export async function submitSweep(
  plan: SweepPlan,
  resources: SlurmResources,
  log: (line: string) => void,
): Promise<{ manifest: SweepManifest; locks: RowLocks }> {
  if (plan.tasks.length === 0) throw new Error(`${plan.label}: every run is done already; nothing to submit`);
  const script = sweepScript(plan, resources);
  // Before anything is written: where sbatch is missing, the runs folder stays as it was.
  await slurmCommand('sbatch', ['--version']);
  const locks = await lockRows(plan.runsDir, plan.rows, plan.label);
  try {
    const folders = sweepFolder(plan.runsDir);
    await Promise.all([folders.jobs, folders.logs, folders.exit].map((dir) => mkdir(dir, { recursive: true })));
    for (const row of plan.rows) await claimRowFolder(join(plan.runsDir, row), plan.inputsHash, log);
    const draft = join(folders.jobs, `submitting-${process.pid}.sbatch`);
    await writeFileAtomic(draft, script, { mode: 0o755 });
    const jobId = await submitScript(draft);
    await rename(draft, join(folders.jobs, `${jobId}.sbatch`));
    const manifest: SweepManifest = {
      jobId,
      label: plan.label,
      profile: plan.profile,
      rows: [...plan.rows],
      seeds: plan.seeds,
      submitted: new Date().toISOString(),
      tasks: plan.tasks.map(({ row, seed }) => ({ row, seed })),
    };
    await writeFileAtomic(join(folders.jobs, `${jobId}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
    await locks.assign(jobId);
    return { manifest, locks };
  } catch (error) {
    await locks.release();
    throw error;
  }
}

/** Where one run of a sweep stands. */
export interface RunStatus {
  row: string;
  seed: number;
  state: 'pending' | 'running' | 'done' | 'failed' | 'stopped';
  /** The array task that last had it, `<job>_<index>`. */
  task?: string;
  /** Slurm's own state of that task while it is in the queue, and why it waits (pending runs). */
  slurmState?: string;
  slurmReason?: string;
  /** Epochs finished, of how many (running and stopped runs). */
  epoch?: number;
  epochs?: number;
  /** Seconds left, from the mean time of its epochs so far (running runs). */
  etaSeconds?: number;
  /** Test accuracy selected on validation (done runs). */
  accuracy?: number;
  /** The task's exit code, and the last lines of its log (failed runs). */
  exitCode?: number;
  log?: string;
  logTail?: string[];
}

/** The manifests of the sweeps submitted to a runs folder, oldest first. */
export async function readManifests(runsDir: string): Promise<SweepManifest[]> {
  const { jobs } = sweepFolder(runsDir);
  if (!(await pathExists(jobs))) return [];
  const files = (await readdir(jobs)).filter((name) => /^\d+\.json$/.test(name));
  const manifests = await Promise.all(
    files.map(async (name) => {
      const file = join(jobs, name);
      try {
        return JSON.parse(await readFile(file, 'utf8')) as SweepManifest;
      } catch (error) {
        throw new Error(`${file}: not a sweep manifest (${(error as Error).message})`);
      }
    }),
  );
  return manifests.sort((a, b) => a.submitted.localeCompare(b.submitted) || Number(a.jobId) - Number(b.jobId));
}

/** A run's epochs so far and their mean time, from its metrics.jsonl, and its planned epochs, from its config.json. */
async function runProgress(runDir: string): Promise<{ epoch: number; epochs?: number; meanSeconds?: number } | undefined> {
  const metrics = join(runDir, 'metrics.jsonl');
  if (!(await pathExists(metrics))) return undefined;
  const seconds = (await readFile(metrics, 'utf8')).split('\n').flatMap((line) => {
    try {
      const record = JSON.parse(line) as { type?: string; seconds?: number };
      return record.type === 'epoch' && typeof record.seconds === 'number' ? [record.seconds] : [];
    } catch {
      return [];
    }
  });
  const config = join(runDir, 'config.json');
  const epochs = (await pathExists(config)) ? (JSON.parse(await readFile(config, 'utf8')) as { epochs: number }).epochs : undefined;
  const meanSeconds = seconds.length > 0 ? seconds.reduce((a, b) => a + b, 0) / seconds.length : undefined;
  return { epoch: seconds.length, ...(epochs !== undefined ? { epochs } : {}), ...(meanSeconds !== undefined ? { meanSeconds } : {}) };
}

/** The last non-empty lines of a file, or none when it is absent. */
async function lastLines(file: string, count: number): Promise<string[]> {
  if (!(await pathExists(file))) return [];
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-count);
}

/**
 * Where every run of the sweeps of a runs folder stands: done (its summary is written), pending or running (its
 * task is in Slurm's queue; squeue), failed (its task left an exit code other than 0), or stopped (none of these:
 * cancelled, or killed and not requeued; a new sweep resumes it). `jobId` narrows it to one sweep.
 */
export async function sweepStatus(runsDir: string, options: { jobId?: string; queue?: boolean } = {}): Promise<RunStatus[]> {
  const manifests = (await readManifests(runsDir)).filter((m) => options.jobId === undefined || m.jobId === options.jobId);
  const folders = sweepFolder(runsDir);
  const queue = options.queue === false ? new Map<string, QueuedTask>() : await queuedTaskStates(manifests.map((m) => m.jobId));
  // Each run once, with the task of the latest sweep that had it.
  const runs = new Map<string, { row: string; seed: number; task?: string }>();
  for (const manifest of manifests) {
    for (const row of manifest.rows)
      for (let seed = 0; seed < manifest.seeds; seed++) if (!runs.has(`${row}/${seed}`)) runs.set(`${row}/${seed}`, { row, seed });
    manifest.tasks.forEach(({ row, seed }, index) => runs.set(`${row}/${seed}`, { row, seed, task: `${manifest.jobId}_${index}` }));
  }
  const statuses: RunStatus[] = [];
  for (const { row, seed, task } of runs.values()) {
    const runDir = join(runsDir, row, `seed-${seed}`);
    const base: RunStatus = { row, seed, state: 'stopped', ...(task ? { task } : {}) };
    const summary = join(runDir, 'summary.json');
    if (await pathExists(summary)) {
      const { valSelectedTestAccuracy } = JSON.parse(await readFile(summary, 'utf8')) as { valSelectedTestAccuracy: number };
      statuses.push({ ...base, state: 'done', accuracy: valSelectedTestAccuracy });
      continue;
    }
    const progress = await runProgress(runDir);
    const progressFields = progress ? { epoch: progress.epoch, ...(progress.epochs !== undefined ? { epochs: progress.epochs } : {}) } : {};
    const queued = task ? queue.get(task) : undefined;
    if (queued) {
      const running = ['RUNNING', 'COMPLETING', 'CONFIGURING'].includes(queued.state);
      const eta =
        running && progress?.meanSeconds !== undefined && progress.epochs !== undefined
          ? { etaSeconds: (progress.epochs - progress.epoch) * progress.meanSeconds }
          : {};
      const slurm = { slurmState: queued.state, ...(running || !queued.reason ? {} : { slurmReason: queued.reason }) };
      statuses.push({ ...base, state: running ? 'running' : 'pending', ...slurm, ...progressFields, ...eta });
      continue;
    }
    const exitFile = task ? join(folders.exit, task) : undefined;
    const exitCode = exitFile && (await pathExists(exitFile)) ? Number((await readFile(exitFile, 'utf8')).trim()) : undefined;
    if (task && exitCode !== undefined && exitCode !== 0) {
      const log = join(folders.logs, `${task}.log`);
      statuses.push({ ...base, state: 'failed', exitCode, log, logTail: await lastLines(log, 8), ...progressFields });
      continue;
    }
    statuses.push({ ...base, ...progressFields });
  }
  return statuses;
}

/** How many runs are in each state, in the order people read them. */
function stateCounts(statuses: readonly RunStatus[]): [RunStatus['state'], number][] {
  const states: RunStatus['state'][] = ['done', 'running', 'pending', 'failed', 'stopped'];
  return states.map((state) => [state, statuses.filter((s) => s.state === state).length]);
}

/** One line per run, for people: `vgg5-ce seed 0  running  epoch 3/200, 2 h 10 min left  (task 41_0)`. */
export function formatStatus(statuses: readonly RunStatus[]): string {
  const width = Math.max(0, ...statuses.map((s) => `${s.row} seed ${s.seed}`.length));
  const lines = statuses.map((s) => {
    const what = `${s.row} seed ${s.seed}`.padEnd(width);
    const epochs = s.epoch !== undefined ? `epoch ${s.epoch}${s.epochs !== undefined ? `/${s.epochs}` : ''}` : '';
    const detail =
      s.state === 'done'
        ? `test accuracy ${(100 * (s.accuracy ?? 0)).toFixed(2)}% (validation-selected)`
        : s.state === 'running'
          ? [epochs, s.etaSeconds !== undefined ? `about ${formatSeconds(s.etaSeconds)} left` : ''].filter(Boolean).join(', ')
          : s.state === 'failed'
            ? `exit ${s.exitCode}; ${s.log}`
            : s.state === 'pending'
              ? [s.slurmState !== 'PENDING' ? s.slurmState : '', s.slurmReason ? `waiting: ${s.slurmReason}` : '', epochs]
                  .filter(Boolean)
                  .join(', ')
              : epochs;
    const task = s.task ? `  (task ${s.task})` : '';
    const tail = s.state === 'failed' && s.logTail?.length ? `\n${s.logTail.map((line) => `    | ${line}`).join('\n')}` : '';
    return `${what}  ${s.state.padEnd(7)}  ${detail}${task}${tail}`;
  });
  const counts = stateCounts(statuses)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`);
  return `${lines.join('\n')}\n${statuses.length} runs: ${counts.join(', ')}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/**
 * Waits until no task of a sweep is in Slurm's queue, logging a line whenever the counts change, then gives every
 * run's status. A task that is requeued (preemption, or by hand) is waited for again.
 */
export async function waitForSweep(
  runsDir: string,
  jobId: string,
  options: { pollSeconds?: number; log?: (line: string) => void } = {},
): Promise<RunStatus[]> {
  const { pollSeconds = 30, log } = options;
  let last = '';
  let failures = 0;
  for (;;) {
    let statuses: RunStatus[];
    try {
      statuses = await sweepStatus(runsDir, { jobId });
      failures = 0;
    } catch (error) {
      // squeue can fail for a moment (a busy or restarting controller): give up only when it keeps failing.
      if (++failures >= 10) throw error;
      log?.(`sweep ${jobId}: ${(error as Error).message}; trying again in ${pollSeconds} s`);
      await new Promise((resolve) => setTimeout(resolve, pollSeconds * 1000));
      continue;
    }
    const line = `sweep ${jobId}: ${stateCounts(statuses)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ')}`;
    if (line !== last) log?.(`${line} (${new Date().toISOString()})`);
    last = line;
    if (!statuses.some((s) => s.state === 'running' || s.state === 'pending')) return statuses;
    await new Promise((resolve) => setTimeout(resolve, pollSeconds * 1000));
  }
}
