import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SAMPLE_DIR, readLetterSet, readSampleManifest } from '@mixent/data';
import { getModel, saveModel } from '@mixent/models';
import { selectBackend } from '@mixent/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMixentCli } from './cli.js';
import { namedConfigs, readTrainConfig } from './configs.js';

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runMixentCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'mixent-cli-'));

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('the named configs', () => {
  it('hold the four rows of the paper table, with the published loss settings', async () => {
    const minent = await readTrainConfig('vgg5-minent', 'full');
    expect(minent.loss).toEqual({
      name: 'min-ent',
      options: { w1: 0.839, w2: 0.308, b1: 2.02, b2: 10.73, eps: 1e-6 },
      learnableWeights: false,
    });
    const mixent = await readTrainConfig('vgg5-mixent', 'full');
    expect(mixent.loss.options).toEqual({ w1: 0.717, w2: 0.943, b1: 12.58, b2: 12.45, eps: 1e-6 });
    expect((await readTrainConfig('spinalvgg-ce', 'full')).model.name).toBe('spinal-vgg');
    const baseline = await readTrainConfig('vgg5-ce', 'full');
    // The full profile is the reference recipe.
    expect(baseline).toMatchObject({
      epochs: 200,
      batchSize: 100,
      model: { widthMultiplier: 1 },
      data: { dataset: 'full', augment: true },
    });
  });

  it('refuses a config with an unknown or bad key, naming the file and the key', async () => {
    const dir = tempDir();
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ name: 'bad', model: { name: 'resnet' }, lerningRate: 1 }));
    const { code, err } = await run('train', '--config', path);
    expect(code).toBe(1);
    expect(err).toContain(`mixent: ${path} is not a valid training config:`);
    expect(err).toContain('  lerningRate: unknown key');
    expect(err).toMatch(/ {2}model\.name: .*"vgg5"\|"spinal-vgg"/);
    writeFileSync(path, '{ not json');
    expect((await run('train', '--config', path)).err).toMatch(new RegExp(`^mixent: ${path}: not valid JSON`));
    expect((await run('train', '--config', 'no-such-row')).err).toMatch(/no-such-row\.json: cannot read the config \(ENOENT\)/);
  });

  it('are the files of the configs folder, which train-row trains by name and no other', async () => {
    expect(namedConfigs()).toEqual([
      'spinalvgg-ce',
      'vgg5-ce',
      'vgg5-confidence-penalty',
      'vgg5-focal',
      'vgg5-label-smoothing',
      'vgg5-minent',
      'vgg5-mixent',
      'vgg5-poly1',
      'vgg5-symmetric-ce',
    ]);
    expect((await run('help')).out).toContain(`Named configs: ${namedConfigs().join(', ')}`);
    const { code, err } = await run('train-row', '--row', 'no-such-row');
    expect(code).toBe(1);
    expect(err).toBe(`mixent: train-row needs --row, a named config: ${namedConfigs().join(', ')}\n`);
    // A row's folder is <runs>/<row>: there is no --out to mistake for --runs.
    expect((await run('train-row', '--row', 'vgg5-ce', '--out', 'somewhere')).err).toMatch(/^mixent: Unknown option '--out'/);
  });

  it('are named by their files: a "name" that says otherwise is refused', async () => {
    expect((await readTrainConfig('vgg5-minent', 'sample')).name).toBe('vgg5-minent');
    const path = join(tempDir(), 'vgg5-copy.json');
    writeFileSync(path, JSON.stringify({ name: 'vgg5-minent', model: { name: 'vgg5' } }));
    await expect(readTrainConfig(path, 'sample')).rejects.toThrow(
      `${path}: "name" is "vgg5-minent", but a config is named by its file (vgg5-copy); remove the field`,
    );
    writeFileSync(path, JSON.stringify({ model: { name: 'vgg5' } }));
    expect((await readTrainConfig(path, 'sample')).name).toBe('vgg5-copy');
  });
});

describe('mixent train and mixent eval', () => {
  it('trains a config file for an epoch and writes the run directory', async () => {
    const dir = tempDir();
    const config = join(dir, 'quick.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'quick',
        model: { widthMultiplier: 0.125 },
        data: { trainLimit: 300, testLimit: 190, augment: false },
        batchSize: 50,
      }),
    );
    const out = join(dir, 'run');
    const {
      code,
      out: stdout,
      err,
    } = await run('train', '--config', config, '--epochs', '1', '--seed', '4', '--out', out, '--backend', 'wasm');
    expect(code).toBe(0);
    expect(err).toMatch(/^backend: wasm \(SIMD/);
    expect(stdout).toMatch(
      /^quick \(vgg5-w0\.125, cross-entropy, seed 4\): test accuracy \d+\.\d\d% \(validation-selected, epoch 1\); best on test \d+\.\d\d% \(epoch 1 of 1\)/,
    );
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { seed: number; epochs: unknown[] };
    expect(summary.seed).toBe(4);
    expect(summary.epochs).toHaveLength(1);
  }, 120_000);

  it('eval --json reports the accuracy and count of a saved model, as computed directly', async () => {
    const dir = tempDir();
    const model = getModel('vgg5', { widthMultiplier: 0.125, seed: 2 });
    await saveModel(model, join(dir, 'model'));
    const manifest = readSampleManifest();
    const images = join(SAMPLE_DIR, manifest.splits.test.images.file);
    const labels = join(SAMPLE_DIR, manifest.splits.test.labels.file);
    const { code, out } = await run('eval', '--model', join(dir, 'model'), '--images', images, '--labels', labels, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as { accuracy: number; count: number; correct: number };
    const set = await readLetterSet(images, labels);
    expect(report.count).toBe(set.count);
    // An independent count: predictions of the in-memory model, normalized as the reference does.
    const correct = tf.tidy(() => {
      const xs = tf.div(tf.sub(tf.div(tf.tensor4d(set.images, [set.count, 28, 28, 1], 'float32'), 255), 0.1307), 0.3081);
      const predicted = tf.argMax(model.predict(xs) as tf.Tensor, 1).dataSync();
      return predicted.filter((p, i) => p === set.labels[i]).length;
    });
    expect(report.correct).toBe(correct);
    expect(report.accuracy).toBeCloseTo(correct / set.count, 12);
    model.dispose();
  }, 120_000);

  it('eval names a missing model directory', async () => {
    const { code, err } = await run('eval', '--model', '/nonexistent/model', '--images', 'x', '--labels', 'y');
    expect(code).toBe(1);
    expect(err).toMatch(/\nmixent: .*\/nonexistent\/model/);
  });
});

describe('mixent check-backend', () => {
  it('compares a training step of each model on two backends, and exits 0 when they agree', async () => {
    const { code, out } = await run('check-backend', '--backend', 'cpu', '--reference', 'wasm', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      agree: boolean;
      tolerance: number;
      results: { model: string; maxRelativeError: number; candidate: { name: string } }[];
    };
    expect(report.agree).toBe(true);
    expect(report.results.map((r) => [r.model, r.candidate.name])).toEqual([
      ['vgg5', 'cpu'],
      ['spinal-vgg', 'cpu'],
    ]);
    // Float32 rounding, not zero: the two backends compute the step differently.
    for (const r of report.results) expect(r.maxRelativeError).toBeGreaterThan(0);
    for (const r of report.results) expect(r.maxRelativeError).toBeLessThan(report.tolerance);
    // By default against wasm and cpu, less the backend itself.
    const text = await run('check-backend', '--backend', 'cpu');
    expect(text.out).toMatch(
      /^cpu \(pure JavaScript.*\) against wasm \(SIMD.*\n {2}vgg5: largest relative gradient error \d\.\d\de-\d \(\S+\) ok\n {2}spinal-vgg: [^\n]* ok\n$/,
    );
    await selectBackend('wasm');
  }, 60_000);

  it('needs a backend to check, and another to check it against', async () => {
    const { code, err } = await run('check-backend');
    expect(code).toBe(1);
    expect(err).toMatch(/check-backend needs --backend <name>/);
    expect((await run('check-backend', '--backend', 'cpu', '--reference', 'cpu')).err).toMatch(/no reference backend other than cpu/);
  });
});
