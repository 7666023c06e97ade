import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, expect, it } from 'vitest';
import { describeWithPyTorch, runTorchReference } from '../../../tools/torch-reference/pytorch.js';
import { type ModelName, getModel } from './registry.js';

/**
 * The models' Dropout layers against torch.nn.Dropout (tools/torch-reference/dropout_draws.py), by distribution:
 * each drops an entry with probability p, independently of the other entries and of the previous step, and scales
 * what it keeps by 1/(1 − p), so that the expected output is the input.
 *
 * Counts are tested with the normal approximation to the binomial (exact enough at 10^5 entries): |z| < 5, a
 * two-sided false-alarm rate of 5.7e-7 for each check, about 1e-5 for the whole file.
 */

const ROWS = 200;
const COLS = 512;
const ENTRIES = ROWS * COLS;
const Z_BOUND = 5;

/** How many standard deviations `count` is from its binomial mean: `trials` draws of probability `p`. */
function binomialZ(count: number, trials: number, p: number): number {
  return (count - trials * p) / Math.sqrt(trials * p * (1 - p));
}

/** One training-mode pass of a Dropout layer over ones: its distinct output values and which entries it kept. */
function dropOnes(layer: tfl.layers.Layer): { values: number[]; kept: Uint8Array } {
  const out = tf.tidy(() => (layer.apply(tf.ones([ROWS, COLS]), { training: true }) as tf.Tensor).dataSync());
  return { values: [...new Set(out)].sort((a, b) => a - b), kept: Uint8Array.from(out, (v) => (v === 0 ? 0 : 1)) };
}

const REFERENCE_DROPOUT_LAYERS: Record<ModelName, number> = { vgg5: 2, 'spinal-vgg': 5 };

describeWithPyTorch("dropout's keep rate and scaling against PyTorch's", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['vgg5', 0.5],
    ['spinal-vgg', 0.5],
    ['vgg5', 0.3],
  ] as const)(
    '%s at p = %s: every Dropout layer keeps 1 − p of the entries, independently, and scales them as PyTorch',
    async (name, p) => {
      const model = getModel(name, { widthMultiplier: 0.125, dropout: p });
      const layers = model.layers.filter((layer) => layer.getClassName() === 'Dropout');
      const torch = JSON.parse(
        await runTorchReference('dropout_draws.py', ['--p', String(p), '--rows', String(ROWS), '--cols', String(COLS), '--seed', '1']),
      ) as { values: number[]; kept: number };
      // Where the reference has them (PAPER.md: two in the VGG head, one per spinal layer and one before fc_out).
      expect(layers.length).toBe(REFERENCE_DROPOUT_LAYERS[name]);
      expect(Math.abs(binomialZ(torch.kept, ENTRIES, 1 - p))).toBeLessThan(Z_BOUND);
      for (const layer of layers) {
        const first = dropOnes(layer);
        const second = dropOnes(layer);
        // Two values only, 0 and PyTorch's scale (within float32: tfjs divides by keep, PyTorch multiplies by 1/keep).
        expect(first.values).toHaveLength(2);
        expect(first.values[0]).toBe(0);
        expect(first.values[1]).toBeCloseTo(torch.values[1] as number, 6);
        const kept = first.kept.reduce((n, k) => n + k, 0);
        expect(Math.abs(binomialZ(kept, ENTRIES, 1 - p)), `${layer.name}: kept ${kept} of ${ENTRIES}`).toBeLessThan(Z_BOUND);
        // A new mask each step: kept twice with probability (1 − p)², not 1 − p as a repeated (seeded) mask gives.
        const keptTwice = first.kept.reduce((n, k, i) => n + (k & (second.kept[i] as number)), 0);
        expect(Math.abs(binomialZ(keptTwice, ENTRIES, (1 - p) ** 2)), `${layer.name}: kept twice ${keptTwice}`).toBeLessThan(Z_BOUND);
        // Entries are independent of their neighbours (disjoint pairs, so that the pairs are independent too).
        const pairsKept = first.kept.reduce((n, k, i) => n + (i % 2 === 0 ? k & (first.kept[i + 1] as number) : 0), 0);
        expect(Math.abs(binomialZ(pairsKept, ENTRIES / 2, (1 - p) ** 2)), `${layer.name}: pairs kept ${pairsKept}`).toBeLessThan(Z_BOUND);
      }
      model.dispose();
    },
  );
});
