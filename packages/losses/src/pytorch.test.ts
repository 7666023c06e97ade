import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, expect, it } from 'vitest';
import { describeWithPyTorch, runTorchReference } from '../../../tools/torch-reference/pytorch.js';
import { MIN_ENT_PRESET, MIX_ENT_PRESET } from './presets.js';
import { type LossName, getLoss } from './registry.js';

/**
 * The paper's losses against PyTorch (tools/torch-reference/losses.py, float64): value and gradient with respect
 * to the logits, on random logits of the 62-output models. float32 here: agreement to ~1e-6 of the scale.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CASES: { name: LossName; options: Record<string, number> }[] = [
  { name: 'cross-entropy', options: {} },
  { name: 'cross-entropy', options: { eps: 0 } },
  { name: 'min-ent', options: { ...MIN_ENT_PRESET } },
  { name: 'mix-ent', options: { ...MIX_ENT_PRESET } },
];

describeWithPyTorch("the paper's losses against PyTorch", () => {
  it('give the same values and gradients, eps and log bases included', async () => {
    const logits = tf.tidy(() => tf.mul(tf.randomNormal([32, 62], 0, 1, 'float32', 11), 4));
    const labels = Array.from({ length: 32 }, (_, i) => (i * 7) % 26);
    const request = { logits: logits.arraySync(), labels, losses: CASES };
    const reference = JSON.parse(await runTorchReference('loss_values.py', [], JSON.stringify(request))) as {
      value: number;
      gradient: number[][];
    }[];
    const ys = tf.tensor1d(labels, 'int32');
    CASES.forEach(({ name, options }, i) => {
      const expected = reference[i]!;
      const loss = getLoss(name, options as never);
      const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => loss(ys, z))(logits);
      const what = `${name} ${JSON.stringify(options)}`;
      expect(Math.abs(value.dataSync()[0]! - expected.value) / Math.abs(expected.value), what).toBeLessThan(1e-6);
      const scale = Math.max(...expected.gradient.flat().map(Math.abs));
      const worst = Math.max(...Array.from(grad.dataSync()).map((g, k) => Math.abs(g - expected.gradient.flat()[k]!)));
      expect(worst / scale, what).toBeLessThan(1e-5);
      tf.dispose([value, grad]);
    });
    tf.dispose([logits, ys]);
  });
});
