import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MIN_ENT_PRESET, MIX_ENT_PRESET } from './presets.js';
import { fromLogits64, minEntropy64, mixEntropy64, randomCase, seededRandom } from './reference64.test-util.js';
import { LOSS_NAMES, getLoss } from './registry.js';
import { expectClose, expectMatrixClose, labelsOf, useCpuBackend } from './testing.test-util.js';

// The bench and the training loop run on wasm, whose kernels differ from cpu's (its float32
// oneHot, for one, is broken in 4.22), so every loss is checked there against cpu and float64.

beforeAll(async () => {
  await useCpuBackend();
  await tf.setBackend('wasm');
});
afterAll(useCpuBackend);

/** Value and gradient with respect to the logits on `backend`, read back as numbers. */
async function on(backend: string, loss: (y: tf.Tensor, z: tf.Tensor) => tf.Scalar, labels: number[] | number[][], logits: number[][]) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const y = Array.isArray(labels[0]) ? tf.tensor2d(labels as number[][]) : tf.tensor1d(labels as number[], 'int32');
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => loss(y, z))(tf.tensor2d(logits));
    return { value: value.dataSync()[0] as number, gradient: grad.arraySync() as number[][] };
  });
}

describe('the wasm backend', () => {
  it('gives the float64 reference values of MIN-ENT and MIX-ENT', () => {
    const random = seededRandom(900);
    for (let i = 0; i < 12; i++) {
      const c = randomCase(
        random,
        1 + Math.floor(random() * 16),
        2 + Math.floor(random() * 61),
        [0.1, 1, 4, 12][i % 4]!,
        i % 2 === 0 ? 'indices' : 'soft',
      );
      const labels = labelsOf(c);
      const logits = tf.tensor2d(c.logits);
      expect(tf.getBackend()).toBe('wasm');
      expectClose(
        getLoss('min-ent', MIN_ENT_PRESET)(labels, logits).dataSync()[0]!,
        minEntropy64(c.dense, fromLogits64(c.logits), MIN_ENT_PRESET),
        1e-5,
        1e-7,
        'MIN-ENT',
      );
      expectClose(
        getLoss('mix-ent', MIX_ENT_PRESET)(labels, logits).dataSync()[0]!,
        mixEntropy64(c.dense, fromLogits64(c.logits), MIX_ENT_PRESET),
        1e-5,
        1e-7,
        'MIX-ENT',
      );
      tf.dispose([labels, logits]);
    }
  });

  it('agrees with cpu on the value and gradient of every registered loss', async () => {
    const random = seededRandom(901);
    for (const name of LOSS_NAMES) {
      const loss = getLoss(name);
      for (let i = 0; i < 4; i++) {
        const c = randomCase(random, 8, 10, [1, 12][i % 2]!, i < 2 ? 'indices' : 'soft');
        const labels = c.kind === 'indices' ? c.indices : c.dense;
        const wasm = await on('wasm', loss, labels, c.logits);
        const cpu = await on('cpu', loss, labels, c.logits);
        expectClose(wasm.value, cpu.value, 1e-5, 1e-7, `${name} value`);
        const scale = Math.max(...cpu.gradient.flat().map(Math.abs));
        expectMatrixClose(wasm.gradient, cpu.gradient, 1e-3, 1e-5 * scale, `${name} gradient`);
      }
    }
    await tf.setBackend('wasm');
  });
});
