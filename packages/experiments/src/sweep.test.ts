import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMixentCli } from './cli.js';
import { type SlurmCluster, describeWithSlurm, startSlurmCluster, waitFor } from './slurm-cluster.test-util.js';
import { type RunStatus, type SweepManifest, lockRows, sweepFolder, sweepStatus, waitForSweep } from './sweep.js';
import { experimentMatrix, tableSpec } from './tables.js';

const APP_DIR = join(import.meta.dirname, '..');
const scratch = (what: string) => mkdtempSync(join(tmpdir(), `mixent-sweep-${what}-`));

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runMixentCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('mixent sweep --dry-run: the job script, without Slurm', () => {
  it('is one array of the full paper table: 12 tasks, the resources of tables.json, requeue and output paths', async () => {
    const runs = scratch('runs');
    const { code, out } = await run('sweep', '--table', 'paper', '--profile', 'full', '--runs', runs, '--dry-run');
    expect(code).toBe(0);
    const { rows } = tableSpec('paper-table');
    const { seeds, slurm } = experimentMatrix();
    expect(rows.length * seeds).toBe(12);
    const directives = out.split('\n').filter((line) => line.startsWith('#SBATCH '));
    expect(directives).toEqual([
      '#SBATCH --job-name=mixent-paper-table',
      '#SBATCH --array=0-11',
      '#SBATCH --ntasks=1',
      `#SBATCH --cpus-per-task=${slurm?.full?.cpusPerTask}`,
      `#SBATCH --gpus-per-task=${slurm?.full?.gpusPerTask}`,
      `#SBATCH --time=${slurm?.full?.time}`,
      '#SBATCH --signal=B:USR1@300',
      '#SBATCH --requeue',
      '#SBATCH --open-mode=append',
      `#SBATCH --output=${join(runs, '.sweep', 'logs', '%A_%a.log')}`,
    ]);
    // Task i trains row i / seeds, seed i % seeds: the table's rows in order, each with every seed.
    expect(out).toContain(`rows=(${rows.flatMap((row) => Array(seeds).fill(row)).join(' ')})`);
    expect(out).toContain(`seeds=(${rows.flatMap(() => Array.from({ length: seeds }, (_, s) => s)).join(' ')})`);
    expect(out).toContain(`train-row --profile full --runs ${runs} --backend ${slurm?.full?.backend} --row "$row" --seed "$seed"`);
    expect(out).toContain('export MIXENT_TORCH_DEVICE="${MIXENT_TORCH_DEVICE:-cuda}"');
    const syntax = spawnSync('bash', ['-n'], { input: out, encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).toBe(0);
  });

  it('takes resources from flags over tables.json, and refuses ones that would break the script', async () => {
    const runs = scratch('runs');
    const flags = ['--partition', 'gpu-a100', '--time', '1-12:00:00', '--max-parallel', '4', '--cpus-per-task', '16'];
    const { code, out } = await run(
      'sweep',
      '--table',
      'loss-table',
      '--profile',
      'full',
      '--runs',
      runs,
      ...flags,
      '--sbatch-arg=--qos=long',
      '--dry-run',
    );
    expect(code).toBe(0);
    expect(out).toContain(`#SBATCH --array=0-${tableSpec('loss-table').rows.length * experimentMatrix().seeds - 1}%4`);
    for (const line of ['--partition=gpu-a100', '--time=1-12:00:00', '--cpus-per-task=16', '--qos=long'])
      expect(out).toContain(`#SBATCH ${line}\n`);
    const bad = await run('sweep', '--table', 'paper', '--runs', runs, '--time', 'soon', '--dry-run');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/time 'soon': \[days-\]hours/);
  });

  it('says so when sbatch is missing, and leaves the runs folder as it was', async () => {
    const runs = scratch('runs');
    const path = process.env.PATH;
    process.env.PATH = scratch('empty-path');
    try {
      const { code, err } = await run('sweep', '--table', 'paper', '--runs', runs);
      expect(code).toBe(1);
      expect(err).toMatch(/sbatch is not on PATH: .*apt install slurm-client.*--dry-run/);
    } finally {
      process.env.PATH = path;
    }
    expect(existsSync(join(runs, '.sweep', 'locks', 'vgg5-ce.json'))).toBe(false);
    expect(existsSync(join(runs, 'vgg5-ce'))).toBe(false);
  });

  it('locks the rows it writes: a second sweep on one of them is refused, naming the owner, until the first lets go', async () => {
    const runs = scratch('runs');
    const first = await lockRows(runs, ['vgg5-ce', 'vgg5-minent'], 'paper-table');
    await expect(lockRows(runs, ['vgg5-mixent', 'vgg5-minent'], 'loss-table')).rejects.toThrow(
      new RegExp(`row vgg5-minent is being written by the sweep paper-table \\(process ${process.pid} on .*, submitting`),
    );
    // The refused sweep took no lock, not even on the row that was free.
    expect(existsSync(join(runs, '.sweep', 'locks', 'vgg5-mixent.json'))).toBe(false);
    await first.release();
    await (await lockRows(runs, ['vgg5-mixent', 'vgg5-minent'], 'loss-table')).release();
  });

  it('reads where runs stand from their folders: done, failed with the end of its log, stopped with its epoch', async () => {
    const runs = scratch('runs');
    const folders = sweepFolder(runs);
    for (const dir of [folders.jobs, folders.logs, folders.exit]) mkdirSync(dir, { recursive: true });
    const manifest: SweepManifest = {
      jobId: '41',
      label: 'tiny-table',
      profile: 'sample',
      rows: ['a', 'b'],
      seeds: 2,
      submitted: '2026-12-01T00:00:00.000Z',
      tasks: [
        { row: 'a', seed: 1 },
        { row: 'b', seed: 0 },
        { row: 'b', seed: 1 },
      ],
    };
    writeFileSync(join(folders.jobs, '41.json'), JSON.stringify(manifest));
    const runDir = (row: string, seed: number) => {
      const dir = join(runs, row, `seed-${seed}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    };
    // a seed 0 was done before this sweep; a seed 1 finished in it.
    writeFileSync(join(runDir('a', 0), 'summary.json'), JSON.stringify({ valSelectedTestAccuracy: 0.5 }));
    writeFileSync(join(runDir('a', 1), 'summary.json'), JSON.stringify({ valSelectedTestAccuracy: 0.25 }));
    writeFileSync(join(folders.exit, '41_0'), '0\n');
    // b seed 0 failed; b seed 1 was stopped after 3 of its 8 epochs.
    runDir('b', 0);
    writeFileSync(join(folders.exit, '41_1'), '1\n');
    writeFileSync(join(folders.logs, '41_1.log'), `${Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n')}\nmixent: bad config\n`);
    const stopped = runDir('b', 1);
    writeFileSync(join(stopped, 'config.json'), JSON.stringify({ epochs: 8 }));
    writeFileSync(
      join(stopped, 'metrics.jsonl'),
      [1, 2, 3].map((epoch) => JSON.stringify({ type: 'epoch', epoch, seconds: 10 })).join('\n'),
    );
    const statuses = await sweepStatus(runs, { queue: false });
    expect(statuses).toEqual<RunStatus[]>([
      { row: 'a', seed: 0, state: 'done', accuracy: 0.5 },
      { row: 'a', seed: 1, state: 'done', task: '41_0', accuracy: 0.25 },
      {
        row: 'b',
        seed: 0,
        state: 'failed',
        task: '41_1',
        exitCode: 1,
        log: join(folders.logs, '41_1.log'),
        logTail: ['line 5', 'line 6', 'line 7', 'line 8', 'line 9', 'line 10', 'line 11', 'mixent: bad config'],
      },
      { row: 'b', seed: 1, state: 'stopped', task: '41_2', epoch: 3, epochs: 8 },
    ]);
    const printed = await run('sweep', 'status', '--runs', runs);
    expect(printed.out).toMatch(/b seed 0 +failed +exit 1; .*41_1\.log +\(task 41_1\)\n +\| line 5/);
    expect(printed.out).toContain('4 runs: 2 done, 1 failed, 1 stopped');
  });
});

/** Runs the mixent command in its own process, as a user does. */
function mixent(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(APP_DIR, 'bin', 'mixent.js'), ...args], { cwd: APP_DIR, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject).on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ROWS = {
  'vgg5-ce': ['vgg5', 'cross-entropy'],
  'spinalvgg-ce': ['spinal-vgg', 'cross-entropy'],
  'vgg5-minent': ['vgg5', 'min-ent'],
  'vgg5-mixent': ['vgg5', 'mix-ent'],
};

/**
 * A tiny experiment matrix of its own (MIXENT_EXPERIMENTS): the paper's four rows at ×0.125 on 300 sample images,
 * 2 epochs, 2 seeds. Batches of 20 with a metrics line every 5 steps, so that a run can be seen mid-epoch.
 */
function tinyExperiments(): string {
  const dir = scratch('experiments');
  mkdirSync(join(dir, 'configs'));
  for (const [row, [model, loss]] of Object.entries(ROWS)) {
    const config = {
      description: `${row}, tiny`,
      model: { name: model },
      loss: { name: loss, options: {} },
      data: { trainLimit: 300, testLimit: 200, validationFraction: 0.02 },
      epochs: 2,
      batchSize: 20,
      logEvery: 5,
    };
    writeFileSync(join(dir, 'configs', `${row}.json`), JSON.stringify(config));
  }
  const matrix = {
    seeds: 2,
    profiles: ['sample', 'full'],
    runs: 'runs/{profile}',
    tables: { 'tiny-table': { description: 'The paper table, tiny.', rows: Object.keys(ROWS), baseline: 'vgg5-ce', out: 'out/{profile}' } },
    published: {},
    displayNames: { models: {}, losses: {} },
    slurm: { sample: { cpusPerTask: 1 } },
  };
  writeFileSync(join(dir, 'tables.json'), JSON.stringify(matrix));
  return dir;
}

describeWithSlurm('mixent sweep on a one-node Slurm cluster', () => {
  let cluster: SlurmCluster;
  let experiments: string;
  let env: NodeJS.ProcessEnv;
  let localTable: string;

  beforeAll(async () => {
    cluster = await startSlurmCluster();
    process.env.SLURM_CONF = cluster.env.SLURM_CONF;
    experiments = tinyExperiments();
    // One backend and one thread everywhere, so that the cluster's runs can equal the local ones bit for bit.
    env = { ...process.env, ...cluster.env, MIXENT_EXPERIMENTS: experiments, MIXENT_BACKEND: 'wasm', MIXENT_WASM_THREADS: '1' };
    const local = scratch('local-runs');
    for (const row of Object.keys(ROWS)) {
      const trained = await mixent(['train-row', '--row', row, '--runs', local], env);
      expect(trained.code, trained.stderr).toBe(0);
    }
    localTable = scratch('local-table');
    const table = await mixent(['tiny-table', '--runs', local, '--out', localTable], env);
    expect(table.code, table.stderr).toBe(0);
  }, 600_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('runs a table as one array: a second sweep is refused, tasks killed or warned of their time limit mid-epoch resume, and the table is the local one', async () => {
    const runs = scratch('runs');
    const submitted = await mixent(['sweep', '--table', 'tiny', '--runs', runs, '--time', '00:30:00'], env);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = /submitted Slurm job (\d+), 8 tasks \(0 resuming an interrupted run; 0 runs done already\)/.exec(
      submitted.stdout,
    )?.[1] as string;
    expect(jobId).toBeDefined();

    const second = await mixent(['sweep', '--table', 'tiny', '--runs', runs], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`is being written by the sweep tiny-table \\(Slurm job ${jobId}, since`));

    // Watch every run's state; interrupt runs mid-way through their second epoch (a metrics line of epoch 2).
    const seen = new Map<string, Set<string>>();
    const watch = async () => {
      const statuses = await sweepStatus(runs, { jobId });
      for (const s of statuses) seen.set(`${s.row}/${s.seed}`, (seen.get(`${s.row}/${s.seed}`) ?? new Set()).add(s.state));
      return statuses;
    };
    const stateOf = async (task: string | undefined) => (await watch()).find((s) => s.task === task)?.state;
    /** Interrupts a run in its second epoch and waits until its task is no longer running; the next run if one finishes first. */
    const interruptMidEpoch = async (interrupt: (run: RunStatus) => boolean, exclude?: RunStatus): Promise<RunStatus> => {
      let interrupted: RunStatus | undefined;
      await waitFor(
        async () => {
          for (const s of await watch()) {
            if (s.state !== 'running' || s.task === exclude?.task) continue;
            const runDir = join(runs, s.row, `seed-${s.seed}`);
            const metrics = existsSync(join(runDir, 'metrics.jsonl')) ? readFileSync(join(runDir, 'metrics.jsonl'), 'utf8') : '';
            if (!metrics.includes('"type":"step","epoch":2')) continue;
            if (!interrupt(s)) continue;
            await waitFor(async () => (await stateOf(s.task)) !== 'running', `task ${s.task} to stop`);
            // In time when it left no summary; else it finished first, and another run is tried.
            if (!existsSync(join(runDir, 'summary.json'))) {
              interrupted = s;
              return true;
            }
          }
          return false;
        },
        'a run in its second epoch',
        300,
      );
      return interrupted as RunStatus;
    };
    // A requeued job waits two minutes before it may start again; the test does not.
    const startNow = async (task: string) => {
      await waitFor(async () => (await watch()).find((s) => s.task === task)?.slurmReason === 'BeginTime', `task ${task} to be requeued`);
      cluster.client('scontrol', ['update', `jobid=${task}`, 'StartTime=now']);
      await waitFor(
        async () => (await watch()).find((s) => s.task === task)?.slurmReason !== 'BeginTime',
        `task ${task} to be free to start`,
      );
    };
    const trainRowProcesses = (s: RunStatus) =>
      spawnSync('pgrep', ['-f', `train-row --profile sample --runs ${runs} --row ${s.row} --seed ${s.seed}`], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .map(Number);

    // Killed: the task fails, and is requeued by hand.
    const killed = await interruptMidEpoch((s) => {
      const pids = trainRowProcesses(s);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      return pids.length > 0;
    });
    const task = killed.task as string;
    expect((await watch()).find((s) => s.task === task)).toMatchObject({ state: 'failed', exitCode: 137 });
    cluster.client('scontrol', ['requeue', task]);
    await startNow(task);
    // Near its time limit (USR1 to the batch shell, as --signal=B:USR1 sends it): the task requeues itself.
    const warned = await interruptMidEpoch((s) => {
      const shell = trainRowProcesses(s)
        .map((pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]))
        .find((parent) => readFileSync(`/proc/${parent}/cmdline`, 'utf8').includes('slurm_script'));
      if (shell === undefined) return false;
      process.kill(shell, 'SIGUSR1');
      return true;
    }, killed);
    expect(await stateOf(warned.task)).toBe('pending');
    await startNow(warned.task as string);
    let statuses: RunStatus[] = [];
    await waitFor(
      async () => {
        statuses = await watch();
        return !statuses.some((s) => s.state === 'pending' || s.state === 'running');
      },
      'the sweep to end',
      600,
    );
    expect(statuses.map((s) => s.state)).toEqual(Array(8).fill('done'));

    // sweep status saw the states change: pending, then running, then done, and the killed run fail before its requeue.
    for (const states of seen.values()) expect(states.has('done')).toBe(true);
    expect([...seen.values()].some((states) => states.has('pending'))).toBe(true);
    expect([...seen.values()].some((states) => states.has('running'))).toBe(true);
    expect(seen.get(`${killed.row}/${killed.seed}`)).toContain('failed');
    for (const interrupted of [killed, warned]) {
      const log = readFileSync(join(sweepFolder(runs).logs, `${interrupted.task}.log`), 'utf8');
      expect(log).toContain('attempt 2');
      expect(log).toMatch(/resumed after epoch 1/);
    }
    expect(readFileSync(join(sweepFolder(runs).logs, `${warned.task}.log`), 'utf8')).toContain('time limit near, requeued to resume');

    const clusterTable = scratch('cluster-table');
    const table = await mixent(['tiny-table', '--runs', runs, '--out', clusterTable], env);
    expect(table.code, table.stderr).toBe(0);
    for (const file of ['tiny-table.json', 'tiny-table.md', 'tiny-table.csv', 'tiny-table.tex']) {
      expect(readFileSync(join(clusterTable, file), 'utf8'), file).toBe(readFileSync(join(localTable, file), 'utf8'));
    }
  }, 900_000);

  it('reports a task whose config breaks after submission with its row, seed and log, lets the others finish, and resubmits only it', async () => {
    const own = scratch('experiments');
    cpSync(experiments, own, { recursive: true });
    const ownEnv = { ...env, MIXENT_EXPERIMENTS: own };
    const runs = scratch('runs');
    // Held, so that the config can break before any task reads it.
    const submitted = await mixent(['sweep', '--table', 'tiny', '--runs', runs, '--seeds', '1', '--sbatch-arg=--hold'], ownEnv);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = /submitted Slurm job (\d+)/.exec(submitted.stdout)?.[1] as string;
    const broken = join(own, 'configs', 'vgg5-mixent.json');
    const config = readFileSync(broken, 'utf8');
    writeFileSync(broken, '{ "epochs": ');
    cluster.client('scontrol', ['release', jobId]);
    const statuses = await waitForSweep(runs, jobId, { pollSeconds: 1 });
    expect(statuses.map((s) => [s.row, s.state])).toEqual([
      ['vgg5-ce', 'done'],
      ['spinalvgg-ce', 'done'],
      ['vgg5-minent', 'done'],
      ['vgg5-mixent', 'failed'],
    ]);
    const status = await mixent(['sweep', 'status', '--runs', runs], ownEnv);
    expect(status.stdout).toMatch(new RegExp(`vgg5-mixent seed 0 +failed +exit 1; .*${jobId}_3\\.log +\\(task ${jobId}_3\\)`));
    expect(status.stdout).toContain(`| mixent: ${broken}: not valid JSON`);
    expect(status.stdout).toContain('4 runs: 3 done, 1 failed');

    writeFileSync(broken, config);
    const again = await mixent(['sweep', '--table', 'tiny', '--runs', runs, '--seeds', '1', '--dry-run'], ownEnv);
    expect(again.stdout).toContain('#SBATCH --array=0-0\n');
    expect(again.stdout).toContain('rows=(vgg5-mixent)\n');
    expect(again.stdout).toContain('1 task (rows × seeds 4 × 1: 0 resume an interrupted run, 3 are done already)');
  }, 600_000);
});
