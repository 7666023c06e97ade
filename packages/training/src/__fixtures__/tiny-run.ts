import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TrainConfig, resolveConfig } from '../config.js';
import type { EpochRecord } from '../run-state.js';
import type { TrainSummary } from '../train.js';

/** A tiny but real run on the embedded sample: a ×0.125 VGG-5, 1,200 images, 3 epochs. */
export function tinyConfig(overrides: object = {}): TrainConfig {
  return resolveConfig('sample', [
    {
      name: 'tiny',
      model: { widthMultiplier: 0.125 },
      data: { trainLimit: 1200, testLimit: 380, validationFraction: 0.05, augment: false },
      epochs: 3,
      batchSize: 50,
      evalBatchSize: 500,
      optimizer: { learningRate: 0.002 },
      logEvery: 5,
    },
    overrides,
  ]);
}

/** train() options for tests: no progress bar, no log lines. */
export const quiet = { progress: false, log: () => {} };

/** A new, empty run directory. */
export const runDir = () => mkdtempSync(join(tmpdir(), 'mixent-train-'));

/** What must be equal between two runs of one config: everything but the clock. */
export const timeless = (summary: TrainSummary) => ({
  ...summary,
  imagesPerSecond: 0,
  epochs: summary.epochs.map((e) => ({ ...e, seconds: 0 })),
});

/** Every line of a run's metrics.jsonl, steps included, without the clock. */
export const metricLines = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => ({ ...(JSON.parse(l) as EpochRecord), seconds: 0 }));

/**
 * Trains `config` into `dir` in a child process on `backend`, kills it with SIGKILL once epoch 1 is checkpointed
 * and epoch 2 has logged a step (in mid-epoch), then resumes it in a second child. Returns the epoch the
 * checkpoint held when the first child was killed.
 */
export async function killAndResume(config: TrainConfig, dir: string, backend: string): Promise<number> {
  const configPath = join(dir, 'tiny.json');
  writeFileSync(configPath, JSON.stringify(config));
  const child = (flag?: string) =>
    spawn(
      process.execPath,
      [
        '--conditions=@mixent/source',
        '--import',
        'tsx',
        join(import.meta.dirname, 'train-child.ts'),
        configPath,
        dir,
        ...(flag ? [flag] : []),
      ],
      {
        stdio: 'ignore',
        env: { ...process.env, MIXENT_BACKEND: backend },
      },
    );
  const first = child();
  const killedAt = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const metrics = existsSync(join(dir, 'metrics.jsonl')) ? readFileSync(join(dir, 'metrics.jsonl'), 'utf8') : '';
      if (existsSync(join(dir, 'checkpoint', 'state.json')) && /"type":"step","epoch":2/.test(metrics)) {
        clearInterval(timer);
        first.kill('SIGKILL');
        resolve((JSON.parse(readFileSync(join(dir, 'checkpoint', 'state.json'), 'utf8')) as { epoch: number }).epoch);
      }
    }, 20);
    first.on('exit', (code, signal) => {
      clearInterval(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the child ended before it was killed (code ${code})`));
    });
  });
  await new Promise((resolve) => first.on('exit', resolve));
  if (existsSync(join(dir, 'summary.json'))) throw new Error('the killed run wrote its summary');
  const resumed = child('--resume');
  const code = await new Promise((resolve) => resumed.on('exit', resolve));
  if (code !== 0) throw new Error(`the resumed run exited with code ${code}`);
  return killedAt;
}
