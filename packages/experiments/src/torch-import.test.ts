import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_DIR, readSampleManifest } from '@mixent/data';
import { selectBackend } from '@mixent/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithPyTorch, runTorchReference } from '../../../tools/torch-reference/pytorch.js';
import { runMixentCli } from './cli.js';

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runMixentCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const sample = (split: 'train' | 'test') => {
  const { images, labels } = readSampleManifest().splits[split];
  return { images: join(SAMPLE_DIR, images.file), labels: join(SAMPLE_DIR, labels.file) };
};

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('mixent import-torch', () => {
  it('refuses what is not a checkpoint of the model, naming the file', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'mixent-import-')), 'none.pt');
    expect((await run('import-torch', missing, '--model', 'vgg5', '--out', 'x')).err).toBe(
      `mixent: ${missing}: cannot read the checkpoint (ENOENT)\n`,
    );
    expect((await run('import-torch', missing, '--model', 'resnet', '--out', 'x')).err).toMatch(
      /import-torch needs <checkpoint\.pt> --model vgg5\|spinal-vgg/,
    );
  });
});

describeWithPyTorch('a model trained by the PyTorch reference, imported', () => {
  it.each(['vgg5', 'spinal-vgg'] as const)(
    "%s: eval gives PyTorch's predictions one for one",
    async (model) => {
      const dir = mkdtempSync(join(tmpdir(), 'mixent-import-'));
      const [train, test] = [sample('train'), sample('test')];
      await runTorchReference('train_and_predict.py', [
        ...['--model', model, '--width', '0.125', '--steps', '60', '--out', dir],
        ...['--train-images', train.images, '--train-labels', train.labels, '--test-images', test.images, '--test-labels', test.labels],
      ]);
      const reference = JSON.parse(readFileSync(join(dir, 'predictions.json'), 'utf8')) as { predictions: number[]; accuracy: number };
      const imported = await run('import-torch', join(dir, 'checkpoint.pt'), '--model', model, '--out', join(dir, 'model'));
      expect(imported.code, imported.err).toBe(0);
      expect(imported.out).toContain(`${model} at width ×0.125, BatchNorm num_batches_tracked 60; learned loss weights w1 1, w2 1`);
      const other = model === 'vgg5' ? 'spinal-vgg' : 'vgg5';
      expect((await run('import-torch', join(dir, 'checkpoint.pt'), '--model', other, '--out', join(dir, 'other'))).err).toContain(
        `a ${model} checkpoint, not ${other}`,
      );
      const predictions = join(dir, 'mixent-predictions.json');
      const evaluated = await run(
        'eval',
        '--model',
        join(dir, 'model'),
        '--images',
        test.images,
        '--labels',
        test.labels,
        '--predictions',
        predictions,
        '--json',
      );
      expect(evaluated.code, evaluated.err).toBe(0);
      // PyTorch's outputs are EMNIST labels 1..26; mixent's class indices are labels − 1.
      const ours = JSON.parse(readFileSync(predictions, 'utf8')) as number[];
      expect(ours).toEqual(reference.predictions.map((label) => label - 1));
      // A model that learned something, so that one-for-one agreement says something.
      expect(reference.accuracy).toBeGreaterThan(0.3);
      expect((JSON.parse(evaluated.out) as { accuracy: number }).accuracy).toBeCloseTo(reference.accuracy, 6); // PyTorch's mean is float32
    },
    120_000,
  );
});
