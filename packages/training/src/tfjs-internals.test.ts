import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TESTED_TFJS_RELEASE,
  adamState,
  assertTestedTfjsRelease,
  isTestedTfjsRelease,
  restoreAdamState,
  setLearningRate,
} from './tfjs-internals.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two Adam steps on f(x) = Σ x², from x = [1, -2, 3]. */
function stepTwice(optimizer: tf.AdamOptimizer, x: tf.Variable): void {
  for (let i = 0; i < 2; i++) optimizer.minimize(() => tf.sum(tf.square(x)), false, [x]);
}

describe('tfjs internals', () => {
  it('accept only the tested release, with a message naming the package and the fix', () => {
    expect(isTestedTfjsRelease(`${TESTED_TFJS_RELEASE}.0`)).toBe(true);
    expect(isTestedTfjsRelease(`${TESTED_TFJS_RELEASE}1.0`)).toBe(false);
    expect(() => assertTestedTfjsRelease('@tensorflow/tfjs-core', '5.0.0', 'exact resume')).toThrow(
      `exact resume relies on private state of @tensorflow/tfjs-core ${TESTED_TFJS_RELEASE}.x, and this process has 5.0.0: install @tensorflow/tfjs-core@~${TESTED_TFJS_RELEASE}.0`,
    );
    // The tested release is the one installed here, and the one the package asks its users for.
    expect(isTestedTfjsRelease(tf.version_core)).toBe(true);
    const { peerDependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm']) {
      expect(peerDependencies[name], name).toBe(`~${TESTED_TFJS_RELEASE}.0`);
    }
  });

  it('set the learning rate of the next steps', () => {
    const x = tf.variable(tf.tensor1d([1, -2, 3]));
    const optimizer = tf.train.adam(0.1);
    setLearningRate(optimizer, 0);
    stepTwice(optimizer, x);
    expect(Array.from(x.dataSync())).toEqual([1, -2, 3]);
    setLearningRate(optimizer, 0.1);
    stepTwice(optimizer, x);
    expect(Array.from(x.dataSync())).not.toEqual([1, -2, 3]);
    x.dispose();
    optimizer.dispose();
  });

  it("restore Adam's state so that the next steps are those of the optimizer it was saved from", async () => {
    const [a, b] = [tf.variable(tf.tensor1d([1, -2, 3])), tf.variable(tf.tensor1d([0, 0, 0]))];
    const saved = tf.train.adam(0.1);
    stepTwice(saved, a);
    const state = await adamState('optimizer', saved);
    expect(state.named.map((t) => t.name)).toEqual([
      'optimizer/0',
      'optimizer/1',
      'optimizer/2',
      'optimizer/accBeta1',
      'optimizer/accBeta2',
    ]);
    // A fresh optimizer on a copy of the variable, as a resumed run makes: after the restore it continues exactly.
    b.assign(a);
    const restored = tf.train.adam(0.1);
    await restoreAdamState('optimizer', restored, state.named);
    stepTwice(saved, a);
    stepTwice(restored, b);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    // Only the step count is made for the call; the rest are the optimizer's own variables.
    expect(state.temporary).toEqual([state.named[0]!.tensor]);
    tf.dispose(state.temporary);
    tf.dispose([a, b]);
    saved.dispose();
    restored.dispose();
    await expect(restoreAdamState('optimizer', tf.train.adam(0.1), [])).rejects.toThrow('the checkpoint has no tensor optimizer/accBeta1');
  });
});
