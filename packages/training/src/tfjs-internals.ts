import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from './checkpoint.js';

/*
 * Every place where mixent reads or writes state that tfjs keeps private: exact resume needs the optimizer's
 * learning rate, Adam's running beta powers and the order of its getWeights(), none of which tfjs documents.
 * They are checked against the one release they were written for and tested with.
 */

/** The tfjs release (major.minor) whose internals this module, the wasm kernels and the wasm thread patch use. */
export const TESTED_TFJS_RELEASE = '4.22';

/** Whether `version` (e.g. '4.22.0') belongs to TESTED_TFJS_RELEASE. */
export function isTestedTfjsRelease(version: string): boolean {
  return version.startsWith(`${TESTED_TFJS_RELEASE}.`);
}

/** Throws, naming the package, when `version` is not of TESTED_TFJS_RELEASE. */
export function assertTestedTfjsRelease(packageName: string, version: string, what: string): void {
  if (!isTestedTfjsRelease(version)) {
    throw new Error(
      `${what} relies on private state of ${packageName} ${TESTED_TFJS_RELEASE}.x, and this process has ${version}: ` +
        `install ${packageName}@~${TESTED_TFJS_RELEASE}.0 (npm install ${packageName}@~${TESTED_TFJS_RELEASE}.0)`,
    );
  }
}

/** The private fields of tfjs-core's Adam that a resume restores. */
interface AdamInternals {
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function internalsOf(optimizer: tf.AdamOptimizer): AdamInternals {
  assertTestedTfjsRelease('@tensorflow/tfjs-core', tf.version_core, 'exact resume of a training run');
  return optimizer as unknown as AdamInternals;
}

/** Sets the learning rate of later steps: tfjs optimizers read the field at every step but offer no setter. */
export function setLearningRate(optimizer: tf.AdamOptimizer, learningRate: number): void {
  internalsOf(optimizer).learningRate = learningRate;
}

/**
 * Adam's whole state as named tensors under `prefix`: its getWeights() (the step count first, then the moments in
 * the order of the variables they follow), then the beta powers, saved as they are since recomputing them with
 * pow() differs in the last bit. `temporary` tensors were made for the call and must be disposed after use.
 */
export async function adamState(prefix: string, optimizer: tf.AdamOptimizer): Promise<{ named: NamedTensor[]; temporary: tf.Tensor[] }> {
  const { accBeta1, accBeta2 } = internalsOf(optimizer);
  const weights = await optimizer.getWeights();
  // getWeights() makes a new scalar for the step count; the moments are the optimizer's own variables.
  const temporary = weights.filter((w) => w.name === 'iter').map((w) => w.tensor);
  const named = weights.map(({ tensor }, i) => ({ name: `${prefix}/${i}`, tensor }));
  named.push({ name: `${prefix}/accBeta1`, tensor: accBeta1 }, { name: `${prefix}/accBeta2`, tensor: accBeta2 });
  return { named, temporary };
}

/** Restores what adamState saved under `prefix`; the tensors stay the caller's. */
export async function restoreAdamState(prefix: string, optimizer: tf.AdamOptimizer, tensors: readonly NamedTensor[]): Promise<void> {
  const internals = internalsOf(optimizer);
  const find = (name: string) => {
    const found = tensors.find((t) => t.name === name);
    if (!found) throw new Error(`the checkpoint has no tensor ${name}`);
    return found.tensor;
  };
  const [accBeta1, accBeta2] = [find(`${prefix}/accBeta1`), find(`${prefix}/accBeta2`)] as tf.Scalar[];
  const ordered = tensors.filter((t) => new RegExp(`^${prefix}/\\d+$`).test(t.name)).sort((a, b) => indexOf(a.name) - indexOf(b.name));
  // setWeights() copies the tensors into new variables, and reads the first as the step count: call it on a fresh
  // optimizer, since the moments it replaces are not disposed.
  await optimizer.setWeights(ordered.map((t, i) => ({ name: i === 0 ? 'iter' : t.name, tensor: t.tensor })));
  internals.accBeta1.assign(accBeta1 as tf.Scalar);
  internals.accBeta2.assign(accBeta2 as tf.Scalar);
}

function indexOf(name: string): number {
  return Number(name.slice(name.lastIndexOf('/') + 1));
}
