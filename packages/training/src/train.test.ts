import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backends/select.js';
import { killAndResume, metricLines, quiet, runDir, timeless, tinyConfig } from './__fixtures__/tiny-run.js';
import type { EpochRecord } from './run-state.js';
import { DivergenceError, type RunPredictions, type TrainSummary, train } from './train.js';

let reference: { dir: string; summary: TrainSummary; tensorsAtEpochEnd: number[]; before: number };

beforeAll(async () => {
  await selectBackend('wasm');
  const dir = runDir();
  const tensorsAtEpochEnd: number[] = [];
  const before = tf.memory().numTensors;
  const summary = await train(tinyConfig(), { outDir: dir, ...quiet, onEpoch: () => tensorsAtEpochEnd.push(tf.memory().numTensors) });
  reference = { dir, summary, tensorsAtEpochEnd, before };
}, 120_000);

describe('train', () => {
  it('learns: test accuracy far above chance on the 19 sample classes', () => {
    // Chance is 1/19 ≈ 5.3%.
    expect(reference.summary.bestTestAccuracy).toBeGreaterThan(0.3);
    expect(reference.summary.valSelectedTestAccuracy).toBeGreaterThan(0.3);
    expect(reference.summary.epochs).toHaveLength(3);
    expect(reference.summary.epochs[2]!.loss).toBeLessThan(reference.summary.epochs[0]!.loss);
  });

  it('writes config, environment, metrics, summary, predictions, model and checkpoint', () => {
    const { dir, summary } = reference;
    for (const file of [
      'config.json',
      'env.json',
      'metrics.jsonl',
      'summary.json',
      'predictions.json',
      'model/model.json',
      'checkpoint/state.json',
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const written = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as TrainSummary;
    for (const key of ['bestTestAccuracy', 'valSelectedTestAccuracy', 'bestEpoch', 'epochs', 'imagesPerSecond'] as const)
      expect(written[key]).toEqual(summary[key]);
    // The plain name is gone: the best-on-test figure says that it is selected on the test set.
    expect(Object.keys(written)).not.toContain('testAccuracy');
    expect(written.bestTestAccuracy).toBe(Math.max(...written.epochs.map((e) => e.testAccuracy)));
    expect(written.model).toBe('vgg5-w0.125');
    expect(JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'))).toMatchObject({ backend: 'wasm', seed: 0 });
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; epoch: number });
    expect(lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([1, 2, 3]);
    // 1,200 images in batches of 50 = 24 steps an epoch, one line every 5.
    expect(lines.filter((l) => l.type === 'step' && l.epoch === 1)).toHaveLength(4);
  });

  it('saves paired predictions that agree with both selections', () => {
    const { dir, summary } = reference;
    const predictions = JSON.parse(readFileSync(join(dir, 'predictions.json'), 'utf8')) as RunPredictions;
    expect(predictions.labels).toHaveLength(summary.counts.test);
    const correct = predictions.bestEpoch.filter((p, i) => p === predictions.labels[i]).length;
    expect(correct / predictions.labels.length).toBeCloseTo(summary.bestTestAccuracy, 10);
    const valCorrect = predictions.valSelectedEpoch.filter((p, i) => p === predictions.labels[i]).length;
    expect(valCorrect / predictions.labels.length).toBeCloseTo(summary.valSelectedTestAccuracy, 10);
    expect(summary.epochs[summary.bestEpoch - 1]!.testAccuracy).toBe(summary.bestTestAccuracy);
    expect(summary.epochs[summary.valSelectedEpoch - 1]!.testAccuracy).toBe(summary.valSelectedTestAccuracy);
  });

  it('keeps tf.memory().numTensors flat across epochs and leaves nothing behind', () => {
    const [first, ...rest] = reference.tensorsAtEpochEnd;
    for (const n of rest) expect(n).toBe(first);
    expect(tf.memory().numTensors).toBe(reference.before);
  });

  it('is deterministic: the same config on the same backend gives the same metrics', async () => {
    const again = await train(tinyConfig(), { outDir: runDir(), ...quiet });
    expect(timeless(again)).toEqual(timeless(reference.summary));
  }, 120_000);

  it('resumes a run killed with SIGKILL in mid-epoch and ends exactly as the uninterrupted run', async () => {
    const dir = runDir();
    expect(await killAndResume(tinyConfig(), dir, 'wasm')).toBe(1);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as TrainSummary;
    expect(timeless(summary)).toEqual(timeless(JSON.parse(JSON.stringify(reference.summary)) as TrainSummary));
    expect(readFileSync(join(dir, 'predictions.json'), 'utf8')).toBe(readFileSync(join(reference.dir, 'predictions.json'), 'utf8'));
    // Every line of metrics.jsonl, steps included, as the uninterrupted run wrote it: only the clock differs.
    expect(metricLines(dir)).toEqual(metricLines(reference.dir));
    expect(
      metricLines(dir)
        .filter((l) => 'testAccuracy' in l)
        .map((l) => l.epoch),
    ).toEqual([1, 2, 3]);
  }, 180_000);

  it('refuses to overwrite a run without --resume, and a resume with another config or on another backend', async () => {
    await expect(train(tinyConfig(), { outDir: reference.dir, ...quiet })).rejects.toThrow(
      `${reference.dir} already holds a run: resume it (--resume) or choose another output directory`,
    );
    await expect(train(tinyConfig({ seed: 9 }), { outDir: reference.dir, resume: true, ...quiet })).rejects.toThrow(
      'the checkpoint was made with another config',
    );
    await selectBackend('cpu');
    try {
      const before = tf.memory().numTensors;
      await expect(train(tinyConfig(), { outDir: reference.dir, resume: true, ...quiet })).rejects.toThrow(
        `${reference.dir}: the run was trained on the wasm backend, this process runs cpu; resume with --backend wasm`,
      );
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await selectBackend('wasm');
    }
    const before = tf.memory().numTensors;
    await expect(train(tinyConfig({ loss: { name: 'hinge' } }), { outDir: runDir(), ...quiet })).rejects.toThrow(/unknown loss "hinge"/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('learns MIN-ENT weights in their own optimizer group, and records them each epoch', async () => {
    const config = tinyConfig({
      epochs: 2,
      loss: {
        name: 'min-ent',
        options: { w1: 0.839, w2: 0.308, b1: 2.02, b2: 10.73 },
        learnableWeights: { learningRate: 0.05, maxRatio: 100 },
      },
    });
    const summary = await train(config, { outDir: runDir(), ...quiet });
    const weights = summary.epochs.map((e) => e.lossWeights);
    expect(weights.every((w) => w !== undefined && w.w1 > 0 && w.w2 > 0)).toBe(true);
    // They moved from the start (their own learning rate is large), keeping the product w1·w2 fixed.
    expect(weights[1]!.w1).not.toBeCloseTo(0.839, 3);
    expect(weights[1]!.w1 * weights[1]!.w2).toBeCloseTo(0.839 * 0.308, 6);
    await expect(
      train(tinyConfig({ loss: { name: 'focal', options: {}, learnableWeights: { learningRate: 0.05, maxRatio: 100 } } }), {
        outDir: runDir(),
        ...quiet,
      }),
    ).rejects.toThrow("loss.learnableWeights: only 'min-ent' and 'mix-ent' have weights w1, w2 to learn, not 'focal'");
  }, 120_000);

  it('lets the schedule watch the validation accuracy instead of the test accuracy', async () => {
    /** Per epoch after the first: whether the learning rate was kept, and whether each accuracy had improved. */
    const decisions = (epochs: readonly EpochRecord[]) =>
      epochs.slice(1).map((e, i) => {
        const before = epochs.slice(0, i + 1);
        return {
          kept: e.learningRate === epochs[i]!.learningRate,
          testImproved: epochs[i]!.testAccuracy > Math.max(-1, ...before.slice(0, -1).map((b) => b.testAccuracy)),
          valImproved: epochs[i]!.valAccuracy! > Math.max(-1, ...before.slice(0, -1).map((b) => b.valAccuracy!)),
        };
      });
    expect(decisions(reference.summary.epochs).every((d) => d.kept === d.testImproved)).toBe(true);
    const config = tinyConfig({ scheduleOn: 'validation', epochs: 6, data: { trainLimit: 600, validationFraction: 0.02 } });
    const watched = decisions((await train(config, { outDir: runDir(), ...quiet })).epochs);
    expect(watched.every((d) => d.kept === d.valImproved)).toBe(true);
    // The two accuracies disagree at least once in this run, so the check above tells the two schedules apart.
    expect(watched.some((d) => d.valImproved !== d.testImproved)).toBe(true);
  }, 60_000);

  it('without a validation split, leaves valAccuracy out and selects the last epoch', async () => {
    const dir = runDir();
    const summary = await train(tinyConfig({ epochs: 2, data: { trainLimit: 400, validationFraction: 0 } }), { outDir: dir, ...quiet });
    expect(summary.epochs.map((e) => 'valAccuracy' in e)).toEqual([false, false]);
    expect(summary.valSelectedEpoch).toBe(2);
    expect(summary.valSelectedTestAccuracy).toBe(summary.epochs[1]!.testAccuracy);
    const written = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as TrainSummary;
    expect(written.epochs.map((e) => 'valAccuracy' in e)).toEqual([false, false]);
    // The selected epoch's predictions, consistent with its accuracy.
    const { labels, valSelectedEpoch } = JSON.parse(readFileSync(join(dir, 'predictions.json'), 'utf8')) as RunPredictions;
    expect(valSelectedEpoch.filter((p, i) => p === labels[i]).length / labels.length).toBe(summary.valSelectedTestAccuracy);
  }, 60_000);

  it('stops with a clear message when the loss is not finite', async () => {
    const dir = runDir();
    const before = tf.memory().numTensors;
    const error = await train(tinyConfig({ optimizer: { learningRate: 1e38 } }), { outDir: dir, ...quiet }).catch((e: unknown) => e);
    expect(tf.memory().numTensors).toBe(before);
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toMatch(
      /^tiny: the loss is (NaN|Infinity|-Infinity) at epoch 1, step \d+; stopped\. No epoch had finished, so there is no checkpoint\.$/,
    );
    expect(existsSync(join(dir, 'checkpoint'))).toBe(false);
  }, 60_000);

  it('stops when an update breaks the weights though the loss before it was finite', async () => {
    // One step per epoch, and a learning rate that is infinite in float32: the step's loss (computed before the
    // update) is finite, the weights after it are not.
    const dir = runDir();
    const before = tf.memory().numTensors;
    const config = tinyConfig({ data: { trainLimit: 50, validationFraction: 0 }, optimizer: { learningRate: 1e39 } });
    const error = await train(config, { outDir: dir, ...quiet }).catch((e: unknown) => e);
    expect(tf.memory().numTensors).toBe(before);
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toMatch(
      /^tiny: \S+ holds NaN or infinite values after epoch 1; stopped before evaluating or saving it\. No epoch had finished, so there is no checkpoint\.$/,
    );
    for (const file of ['checkpoint', 'model', 'summary.json']) expect(existsSync(join(dir, file)), file).toBe(false);
  }, 60_000);
});
