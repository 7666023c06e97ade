import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithPyTorch, runTorchReference } from '../../../tools/torch-reference/pytorch.js';
import { type ModelName, getModel } from './registry.js';
import { readTorchCheckpoint, writeTorchCheckpoint } from './torch-checkpoint.js';
import { type StateDictTensor, checkTorchStateDict, loadTorchStateDict, torchStateDictKeys, torchStateDictOf } from './torch-weights.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scratch = () => mkdtempSync(join(tmpdir(), 'mixent-torch-'));

/** Largest absolute difference, relative to the largest magnitude of the reference. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return diff / scale;
}

describe('weights under the reference state dict names', () => {
  it.each(['vgg5', 'spinal-vgg'] as const)('%s: go out and back in unchanged, and are checked key by key', (name) => {
    const source = getModel(name, { widthMultiplier: 0.125, seed: 3 });
    const target = getModel(name, { widthMultiplier: 0.125, seed: 4 });
    const stateDict = torchStateDictOf(source, name);
    expect([...stateDict.keys()]).toEqual(torchStateDictKeys(name));
    // PyTorch's layouts: OIHW convolutions and [out, in] Linear weights.
    expect(stateDict.get('l1.0.weight')?.shape).toEqual([8, 1, 3, 3]);
    expect(stateDict.get(name === 'vgg5' ? 'classifier.1.weight' : 'fc_spinal_layer1.1.weight')?.shape).toEqual(
      name === 'vgg5' ? [64, 32] : [16, 16],
    );
    const full = new Map<string, StateDictTensor>(stateDict);
    checkTorchStateDict(target, name, full, 'state');
    loadTorchStateDict(target, name, full);
    const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 7);
    const [a, b] = [source.predict(x) as tf.Tensor, target.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);

    const without = new Map(full);
    without.delete('l2.3.bias');
    expect(() => checkTorchStateDict(target, name, without, 'state')).toThrow(`state: missing keys for ${name}: l2.3.bias`);
    expect(() => checkTorchStateDict(target, name, new Map([...full, ['l5.0.weight', { shape: [1], data: [0] }]]), 'state')).toThrow(
      `state: unknown keys for ${name}: l5.0.weight`,
    );
    const wrong = new Map([...full, ['l1.0.weight', { shape: [8, 1, 5, 5], data: new Float32Array(200) }]]);
    expect(() => checkTorchStateDict(target, name, wrong, 'state')).toThrow(
      'state: l1.0.weight has shape [8, 1, 5, 5], the model needs [8, 1, 3, 3]',
    );
    const other: ModelName = name === 'vgg5' ? 'spinal-vgg' : 'vgg5';
    expect(() => checkTorchStateDict(getModel(other, { widthMultiplier: 0.125 }), other, full, 'state')).toThrow(
      `state: a ${name} checkpoint, not ${other}`,
    );
    source.dispose();
    target.dispose();
  });
});

describe('reading torch.save files', () => {
  it('refuses a legacy (non-zip) pickle and a truncated zip, naming the file', async () => {
    const dir = scratch();
    const legacy = join(dir, 'legacy.pt');
    writeFileSync(legacy, Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc]));
    await expect(readTorchCheckpoint(legacy)).rejects.toThrow(`${legacy}: a legacy (non-zip) torch.save file`);
    const cut = join(dir, 'cut.pt');
    writeFileSync(cut, Buffer.from('PK\x03\x04 not much more', 'latin1'));
    await expect(readTorchCheckpoint(cut)).rejects.toThrow(new RegExp(`^${cut}: not a whole zip .*truncated`));
    await expect(readTorchCheckpoint(join(dir, 'none.pt'))).rejects.toThrow(`${join(dir, 'none.pt')}: cannot read the checkpoint (ENOENT)`);
  });
});

describeWithPyTorch('checkpoints written by the PyTorch reference', () => {
  it.each([
    ['vgg5', 0.125],
    ['spinal-vgg', 0.125],
    ['vgg5', 1],
    ['spinal-vgg', 1],
  ] as const)("%s ×%s: load and give PyTorch's logits, in eval mode and with batch statistics", async (name, width) => {
    const dir = scratch();
    await runTorchReference('export_random.py', ['--model', name, '--width', String(width), '--seed', '5', '--out', dir]);
    const checkpoint = await readTorchCheckpoint(join(dir, 'checkpoint.pt'));
    expect(checkpoint.wrapped).toBe(true);
    const model = getModel(name, { widthMultiplier: width, dropout: 0 });
    checkTorchStateDict(model, name, checkpoint.stateDict, 'checkpoint.pt');
    loadTorchStateDict(model, name, checkpoint.stateDict);
    expect(checkpoint.stateDict.get('l1.1.num_batches_tracked')).toEqual({ dtype: 'int64', shape: [], data: [1248] });
    expect(checkpoint.stateDict.get('loss_module.loss_1_weight')?.data[0]).toBeCloseTo(0.717, 6);
    const logits = JSON.parse(readFileSync(join(dir, 'logits.json'), 'utf8')) as {
      inputShape: number[];
      inputs: number[];
      evalLogits: number[][];
      trainLogits: number[][];
    };
    // NCHW with one channel is NHWC's memory order.
    const [n] = logits.inputShape as [number];
    const x = tf.tensor4d(logits.inputs, [n, 28, 28, 1]);
    const inference = model.predict(x) as tf.Tensor;
    const training = model.apply(x, { training: true }) as tf.Tensor;
    expect(relativeError(inference.dataSync(), logits.evalLogits.flat())).toBeLessThan(1e-4);
    expect(relativeError(training.dataSync(), logits.trainLogits.flat())).toBeLessThan(1e-4);
    tf.dispose([x, inference, training]);
    model.dispose();
  });

  it.each(['vgg5', 'spinal-vgg'] as const)(
    '%s: a checkpoint written here loads into PyTorch, every key, and gives our logits',
    async (name) => {
      const dir = scratch();
      const model = getModel(name, { widthMultiplier: 0.125, dropout: 0, seed: 9 });
      // BatchNorm away from its initial 1, 0, 0, 1, so that a mix-up of its four tensors cannot pass unseen.
      for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
        const [gamma, beta, mean, variance] = layer.getWeights().map((w) => w.shape) as [number[], number[], number[], number[]];
        const values = [
          tf.randomUniform(gamma, 0.5, 1.5),
          tf.randomNormal(beta, 0, 0.2),
          tf.randomNormal(mean, 0, 0.2),
          tf.randomUniform(variance, 0.5, 2),
        ];
        layer.setWeights(values);
        tf.dispose(values);
      }
      const file = join(dir, 'mixent.pt');
      await writeTorchCheckpoint(file, torchStateDictOf(model, name));
      // Read back here too: the same tensors, and the paper's layout.
      const back = await readTorchCheckpoint(file);
      expect(back.wrapped).toBe(true);
      expect([...back.stateDict.keys()]).toEqual(torchStateDictKeys(name));
      const x = tf.randomNormal([6, 28, 28, 1], 0, 1, 'float32', 2);
      const batch = JSON.stringify({ inputShape: [6, 1, 28, 28], inputs: Array.from(x.dataSync()) });
      const width = ['--model', name, '--width', '0.125', '--checkpoint', file];
      const reference = JSON.parse(await runTorchReference('logits_of_checkpoint.py', width, batch)) as {
        evalLogits: number[][];
        trainLogits: number[][];
      };
      const [inference, training] = [model.predict(x) as tf.Tensor, model.apply(x, { training: true }) as tf.Tensor];
      expect(relativeError(inference.dataSync(), reference.evalLogits.flat())).toBeLessThan(1e-4);
      expect(relativeError(training.dataSync(), reference.trainLogits.flat())).toBeLessThan(1e-4);
      tf.dispose([x, inference, training]);
      model.dispose();
    },
  );

  it('reads a bare state dict too', async () => {
    const dir = scratch();
    await runTorchReference('export_random.py', ['--model', 'vgg5', '--width', '0.125', '--layout', 'bare', '--out', dir]);
    const checkpoint = await readTorchCheckpoint(join(dir, 'checkpoint.pt'));
    expect(checkpoint.wrapped).toBe(false);
    expect([...checkpoint.stateDict.keys()].sort()).toEqual(
      [...torchStateDictKeys('vgg5'), 'loss_module.loss_1_weight', 'loss_module.loss_2_weight'].sort(),
    );
    const truncated = join(dir, 'truncated.pt');
    const bytes = readFileSync(join(dir, 'checkpoint.pt'));
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    await expect(readTorchCheckpoint(truncated)).rejects.toThrow(`${truncated}: not a whole zip`);
  });
});
