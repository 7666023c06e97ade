import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { quote } from 'shell-quote';

const execFileAsync = promisify(execFile);

/** What a sweep asks of Slurm for each task, from tables.json's `slurm` section and the command's flags. */
export interface SlurmResources {
  /** The partition (queue) to submit to; the cluster's default when absent. */
  partition?: string;
  /** GPUs for each task. */
  gpusPerTask?: number;
  /** CPUs for each task; the task's ATen threads follow it. */
  cpusPerTask?: number;
  /** The wall-time limit of each task, as sbatch takes it ([days-]hours:minutes:seconds). */
  time?: string;
  /** How many tasks run at once (the array's %K throttle). */
  maxParallel?: number;
  /** Other sbatch options, each as one `#SBATCH` line (for example `--account=proj42` or `--qos=long`). */
  sbatchArgs?: string[];
}

/** A Slurm client command is not on this machine. */
export class SlurmUnavailableError extends Error {
  override readonly name = 'SlurmUnavailableError';
}

/** Runs a Slurm client command and gives its stdout; a missing command, or one that fails, says so. */
export async function slurmCommand(command: 'sbatch' | 'squeue' | 'scontrol' | 'scancel', args: readonly string[]): Promise<string> {
  try {
    return (await execFileAsync(command, [...args], { encoding: 'utf8' })).stdout;
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new SlurmUnavailableError(
        `${command} is not on PATH: a Slurm sweep runs where Slurm's client commands are (a cluster's login node; Debian: apt install slurm-client). ` +
          '--dry-run prints the job script without Slurm',
      );
    }
    throw new Error(`${command} ${args.join(' ')} failed (${String(failure.code)}): ${(failure.stderr ?? failure.message).trim()}`);
  }
}

/** A task's place in Slurm's queue: its state, and why it waits (squeue's reason: Resources, BeginTime, …). */
export interface QueuedTask {
  state: string;
  reason: string;
}

/** Slurm's state of each task of these jobs, by `<job>_<index>`, from squeue (array tasks one per line). */
export async function queuedTaskStates(jobIds: readonly string[]): Promise<Map<string, QueuedTask>> {
  const states = new Map<string, QueuedTask>();
  if (jobIds.length === 0) return states;
  // A job that has left the queue makes squeue fail ("Invalid job id") when it is the only one asked for.
  const out = await slurmCommand('squeue', ['-h', '-r', '-j', jobIds.join(','), '-o', '%i|%T|%r']).catch((error: Error) => {
    if (/Invalid job id/i.test(error.message)) return '';
    throw error;
  });
  for (const line of out.split('\n')) {
    const [id, state, reason = ''] = line.trim().split('|');
    if (id && state) states.set(id, { state, reason });
  }
  return states;
}

/** Submits a job script and gives its job id (sbatch --parsable prints `id` or `id;cluster`). */
export async function submitScript(path: string): Promise<string> {
  const out = (await slurmCommand('sbatch', ['--parsable', path])).trim();
  const jobId = out.split(';')[0] ?? '';
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch --parsable ${path} printed '${out}', not a job id`);
  return jobId;
}

/** Problems with resources that would make a broken `#SBATCH` line; none when they are fine. */
export function resourceProblems(resources: SlurmResources): string[] {
  const problems: string[] = [];
  const { partition, gpusPerTask, cpusPerTask, time, maxParallel, sbatchArgs = [] } = resources;
  if (partition !== undefined && !/^[\w.,-]+$/.test(partition))
    problems.push(`partition '${partition}': letters, digits, . , - and _ only`);
  for (const [flag, value, least] of [
    ['gpus-per-task', gpusPerTask, 0],
    ['cpus-per-task', cpusPerTask, 1],
    ['max-parallel', maxParallel, 1],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= least))
      problems.push(`${flag} ${value}: an integer of at least ${least}`);
  }
  if (time !== undefined && !/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(time)) problems.push(`time '${time}': [days-]hours[:minutes[:seconds]]`);
  for (const arg of sbatchArgs)
    if (!/^--?[\w-]+(=\S+)?$/.test(arg)) problems.push(`sbatch argument '${arg}': one option, such as --qos=long`);
  return problems;
}

/** How long before its time limit Slurm tells a task (USR1) to requeue itself. */
const TIME_LIMIT_WARNING_SECONDS = 300;

/** One array task of a sweep: a row and a seed. */
export interface ArrayTask {
  row: string;
  seed: number;
}

/** What the job script runs, and where it writes. */
export interface JobScriptOptions {
  /** The job's name in squeue. */
  jobName: string;
  /** The tasks, in array-index order. */
  tasks: readonly ArrayTask[];
  resources: SlurmResources;
  /** Each task's log, with Slurm's %A (job) and %a (index). */
  logPattern: string;
  /** The folder of each task's exit code, one file `<job>_<index>`. */
  exitDir: string;
  /** The folder the command runs in. */
  workDir: string;
  /** The command each task runs, before its `--row <row> --seed <seed>`. */
  command: readonly string[];
  /** Variables every task exports. */
  env: Readonly<Record<string, string>>;
  /** A comment on the first lines: what the sweep is. */
  description: string;
}

/**
 * The sbatch script of a sweep: one array task per (row, seed), requeueable (a requeued task resumes the run from
 * its last checkpoint), each appending to its own log and leaving its exit code for `mixent sweep status`.
 */
export function jobScript(options: JobScriptOptions): string {
  const { resources, tasks } = options;
  const problems = resourceProblems(resources);
  // sbatch reads its #SBATCH lines itself, without a shell to quote them.
  if (/\s/.test(options.logPattern)) problems.push(`the runs folder ${options.logPattern} has a space, which an #SBATCH line cannot hold`);
  if (problems.length > 0) throw new Error(`Slurm resources refused:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const throttle = resources.maxParallel ? `%${resources.maxParallel}` : '';
  const directives = [
    `--job-name=${options.jobName}`,
    `--array=0-${tasks.length - 1}${throttle}`,
    '--ntasks=1',
    ...(resources.cpusPerTask ? [`--cpus-per-task=${resources.cpusPerTask}`] : []),
    ...(resources.gpusPerTask ? [`--gpus-per-task=${resources.gpusPerTask}`] : []),
    ...(resources.time ? [`--time=${resources.time}`, `--signal=B:USR1@${TIME_LIMIT_WARNING_SECONDS}`] : []),
    ...(resources.partition ? [`--partition=${resources.partition}`] : []),
    // Preempted or requeued tasks start again and resume; their log goes on in the same file.
    '--requeue',
    '--open-mode=append',
    `--output=${options.logPattern}`,
    ...(resources.sbatchArgs ?? []),
  ];
  const exports = Object.entries(options.env).map(([name, value]) => `export ${name}=${quote([value])}`);
  return [
    '#!/bin/bash',
    ...options.description.split('\n').map((line) => `# ${line}`),
    ...directives.map((directive) => `#SBATCH ${directive}`),
    '',
    'set -uo pipefail',
    `rows=(${tasks.map((t) => quote([t.row])).join(' ')})`,
    `seeds=(${tasks.map((t) => t.seed).join(' ')})`,
    'task=${SLURM_ARRAY_TASK_ID:?this is a Slurm array job: submit it with sbatch}',
    'row=${rows[$task]}',
    'seed=${seeds[$task]}',
    `exit_file=${quote([options.exitDir])}/\${SLURM_ARRAY_JOB_ID}_\${task}`,
    'rm -f "$exit_file"',
    // ATen and wasm take as many threads as the task has CPUs, unless the user says otherwise.
    'export MIXENT_TORCH_THREADS="${MIXENT_TORCH_THREADS:-${SLURM_CPUS_PER_TASK:-1}}"',
    'export MIXENT_WASM_THREADS="${MIXENT_WASM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}"',
    ...(resources.gpusPerTask ? ['export MIXENT_TORCH_DEVICE="${MIXENT_TORCH_DEVICE:-cuda}"'] : []),
    ...exports,
    'echo "mixent sweep task $task: $row seed $seed, attempt $((${SLURM_RESTART_COUNT:-0} + 1)), on $(hostname) at $(date -Is)"',
    `cd ${quote([options.workDir])} || exit 1`,
    // Near the time limit (USR1 from --signal, or scancel --signal=USR1 --batch), the task requeues itself: the run
    // resumes from its last finished epoch. The command runs in the background so that the shell takes the signal.
    'trap \'echo "mixent sweep task $task: time limit near, requeued to resume"; scontrol requeue "${SLURM_ARRAY_JOB_ID}_${task}"\' USR1',
    `${quote([...options.command])} --row "$row" --seed "$seed" &`,
    'child=$!',
    'wait "$child"',
    'status=$?',
    'while kill -0 "$child" 2>/dev/null; do',
    '  wait "$child"',
    '  status=$?',
    'done',
    'echo "$status" > "$exit_file"',
    'echo "mixent sweep task $task: exit $status at $(date -Is)"',
    'exit "$status"',
    '',
  ].join('\n');
}
