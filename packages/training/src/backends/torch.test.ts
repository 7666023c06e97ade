// Registers the gradients of tfjs ops (tfjs-core alone does not).
import '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { LOSS_NAMES, getLoss } from '@mixent/losses';
import { getModel, trainableVariables } from '@mixent/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { killAndResume, metricLines, quiet, runDir, timeless, tinyConfig } from '../__fixtures__/tiny-run.js';
import { type TrainSummary, train } from '../train.js';
import { compareTrainingStep } from './agreement.js';
import { BackendUnavailableError, selectBackend } from './select.js';

/**
 * The torch backend (@mixent/tfjs-backend-torch) in mixent's training: the same gradients as wasm and cpu, only
 * native kernels, determinism, exact resume after SIGKILL, and flat memory. CI builds the addon against Debian's
 * libtorch and sets MIXENT_REQUIRE_TORCH=1; without libtorch, these tests check the error that says how to get it.
 */

const TORCH_REQUIRED = process.env.MIXENT_REQUIRE_TORCH === '1';
const started = await selectBackend('torch').catch((error: unknown) => error as Error);

type TorchModule = { fallbackCounts: () => Record<string, number>; resetFallbackCounts: () => void };

if (started instanceof Error) {
  describe('without the torch backend', () => {
    it('says that it is not available and how to get it', () => {
      expect(TORCH_REQUIRED, `MIXENT_REQUIRE_TORCH=1 but: ${started.message}`).toBe(false);
      expect(started).toBeInstanceOf(BackendUnavailableError);
      expect(started.message).toMatch(/^backend 'torch' is not available: .*(pip install torch|apt install libtorch-dev)/);
    });
  });
} else {
  const torch = (await import('@mixent/tfjs-backend-torch' as string)) as TorchModule;

  describe('the torch backend in training', () => {
    beforeAll(() => selectBackend('torch'));

    it.each([
      ['vgg5', 'wasm'],
      ['vgg5', 'cpu'],
      ['spinal-vgg', 'wasm'],
      ['spinal-vgg', 'cpu'],
    ] as const)(
      'computes the gradients of a %s training step as %s does',
      async (model, reference) => {
        const agreement = await compareTrainingStep(model, reference, 'torch', { batchSize: 8 });
        expect(agreement.candidate.name).toBe('torch');
        expect(agreement.maxRelativeError).toBeLessThan(1e-3);
      },
      120_000,
    );

    it('runs training steps of both models with every loss, Adam, and evaluation on native kernels only', async () => {
      await selectBackend('torch');
      torch.resetFallbackCounts();
      for (const name of ['vgg5', 'spinal-vgg'] as const) {
        const model = getModel(name, { widthMultiplier: 0.0625, seed: 1, numClasses: 26 });
        const variables = trainableVariables(model);
        const optimizer = tf.train.adam(0.005);
        for (const loss of LOSS_NAMES) {
          tf.tidy(() => {
            const xs = tf.randomUniform([6, 28, 28, 1], 0, 1, 'float32', 2);
            const ys = tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32');
            const { grads } = tf.variableGrads(() => getLoss(loss)(ys, model.apply(xs, { training: true }) as tf.Tensor), variables);
            optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
          });
        }
        optimizer.dispose();
        model.dispose();
      }
      // The whole loop too: learned loss weights, evaluation, the divergence check and checkpoints.
      const learned = {
        name: 'min-ent',
        options: { w1: 0.839, w2: 0.308, b1: 2.02, b2: 10.73 },
        learnableWeights: { learningRate: 0.05, maxRatio: 100 },
      };
      await train(tinyConfig({ epochs: 1, data: { trainLimit: 200, testLimit: 100 }, loss: learned }), { outDir: runDir(), ...quiet });
      await train(tinyConfig({ epochs: 1, model: { name: 'spinal-vgg' }, data: { trainLimit: 200, testLimit: 100 } }), {
        outDir: runDir(),
        ...quiet,
      });
      expect(torch.fallbackCounts()).toEqual({});
    }, 300_000);

    let reference: { dir: string; summary: TrainSummary } | undefined;
    const referenceRun = async () => {
      if (!reference) {
        await selectBackend('torch');
        const dir = runDir();
        reference = { dir, summary: await train(tinyConfig(), { outDir: dir, ...quiet }) };
      }
      return reference;
    };

    it('is deterministic: the same seeded run twice gives bit-identical metrics.jsonl', async () => {
      const first = await referenceRun();
      expect(first.summary.epochs.at(-1)?.testAccuracy).toBeGreaterThan(0.2);
      const dir = runDir();
      const again = await train(tinyConfig(), { outDir: dir, ...quiet });
      expect(metricLines(dir)).toEqual(metricLines(first.dir));
      expect(timeless(again)).toEqual(timeless(first.summary));
    }, 300_000);

    it('resumes a run killed with SIGKILL in mid-epoch and ends exactly as the uninterrupted run', async () => {
      const { dir: referenceDir } = await referenceRun();
      const dir = runDir();
      expect(await killAndResume(tinyConfig(), dir, 'torch')).toBe(1);
      expect(JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'))).toMatchObject({ backend: 'torch' });
      expect(metricLines(dir)).toEqual(metricLines(referenceDir));
      expect(readFileSync(join(dir, 'predictions.json'), 'utf8')).toBe(readFileSync(join(referenceDir, 'predictions.json'), 'utf8'));
    }, 300_000);

    it('keeps tf.memory().numTensors and native memory flat over 1,000 training steps', async () => {
      await selectBackend('torch');
      const model = getModel('vgg5', { widthMultiplier: 0.0625, seed: 4, numClasses: 26 });
      const variables = trainableVariables(model);
      const optimizer = tf.train.adam(0.001);
      const xs = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 5);
      const ys = tf.tensor1d([0, 1, 2, 3], 'int32');
      const step = async () => {
        const value = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(
            () => getLoss('mix-ent')(ys, model.apply(xs, { training: true }) as tf.Tensor),
            variables,
          );
          optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
          return value;
        });
        await value.data();
        value.dispose();
      };
      const usage = () => {
        const memory = tf.memory() as tf.MemoryInfo & { numBytesInTorch: number; numTorchTensors: number };
        return { tensors: memory.numTensors, torchTensors: memory.numTorchTensors, torchBytes: memory.numBytesInTorch };
      };
      for (let i = 0; i < 10; i++) await step();
      const after10 = usage();
      for (let i = 10; i < 1000; i++) {
        await step();
        // Lets vitest's worker answer its runner now and then: the steps alone never yield to the event loop.
        if (i % 100 === 0) await new Promise(setImmediate);
      }
      expect(usage()).toEqual(after10);
      tf.dispose([xs, ys]);
      optimizer.dispose();
      model.dispose();
    }, 300_000);
  });
}
