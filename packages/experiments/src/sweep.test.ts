import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMixentCli } from './cli.js';
import { type RunStatus, type SweepManifest, lockRows, sweepFolder, sweepStatus } from './sweep.js';
import { experimentMatrix, tableSpec } from './tables.js';

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
