import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SAMPLE_DIR, loadSample, normalizePixels, readSampleManifest } from '@mixent/data';
import { getModel, saveModel } from '@mixent/models';
import { mcnemarExact } from '@mixent/reporting';
import { selectBackend } from '@mixent/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMixentCli } from './cli.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('mixent compare-checkpoints', () => {
  it('tests each model against the first on the same images, paired, as a direct count does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-compare-'));
    const set = await loadSample('test');
    const predictions: Int32Array[] = [];
    for (const seed of [1, 2]) {
      const model = getModel('vgg5', { widthMultiplier: 0.125, seed });
      await saveModel(model, join(dir, `seed-${seed}`));
      // An independent count: the model's own predictions on the normalized sample.
      predictions.push(
        tf.tidy(
          () =>
            tf
              .argMax(model.predict(tf.tensor4d(normalizePixels(set.images), [set.count, 28, 28, 1])) as tf.Tensor, 1)
              .dataSync() as Int32Array,
        ),
      );
      model.dispose();
    }
    const [a, b] = predictions as [Int32Array, Int32Array];
    const right = (p: Int32Array, k: number) => p[k] === set.labels[k];
    let onlyB = 0;
    let onlyA = 0;
    for (let k = 0; k < set.count; k++) {
      if (right(b, k) && !right(a, k)) onlyB++;
      if (right(a, k) && !right(b, k)) onlyA++;
    }
    const { images, labels } = readSampleManifest().splits.test;
    let out = '';
    const args = [join(dir, 'seed-1'), join(dir, 'seed-2'), join(dir, 'seed-1')];
    const files = ['--images', join(SAMPLE_DIR, images.file), '--labels', join(SAMPLE_DIR, labels.file)];
    const code = await runMixentCli(['compare-checkpoints', ...args, ...files, '--json'], { stdout: (t) => (out += t), stderr: () => {} });
    expect(code).toBe(0);
    const report = JSON.parse(out) as { count: number; results: { deltaImages: number; pValue: number | null; correct: number }[] };
    expect(report.count).toBe(set.count);
    expect(report.results.map((r) => r.pValue)).toEqual([null, mcnemarExact(onlyB, onlyA), 1]);
    expect(report.results.map((r) => r.deltaImages)).toEqual([0, onlyB - onlyA, 0]);
    expect(report.results[0]!.correct).toBe(Array.from(a).filter((p, k) => p === set.labels[k]).length);
  }, 120_000);

  it('needs two models, and --images with --labels', async () => {
    let err = '';
    const io = { stdout: () => {}, stderr: (t: string) => (err += t) };
    expect(await runMixentCli(['compare-checkpoints', 'one'], io)).toBe(1);
    expect(await runMixentCli(['compare-checkpoints', 'one', 'two', '--images', 'x'], io)).toBe(1);
    expect(err).toBe(
      'mixent: compare-checkpoints needs two model directories or more (import-torch writes them)\nmixent: compare-checkpoints takes --images and --labels together\n',
    );
  });
});
