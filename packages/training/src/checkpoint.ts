import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { pathExists, writeFileDurably } from '@mixent/node-io';

/**
 * A checkpoint is a folder `checkpoint/` in the run directory: `state.json` (JSON state of the
 * run) and `tensors.bin` + `tensors.json` (every tensor to restore: model weights, optimizer
 * state, learnable loss weights), encoded with tfjs' own weight format. It is written as
 * `checkpoint.next/` and swapped in by renames, so a kill at any moment leaves a complete
 * checkpoint: the new one, or the previous one (as `checkpoint/` or `checkpoint.prev/`).
 */

/** A tensor with the name it is saved under. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** What a checkpoint holds. */
export interface Checkpoint<S> {
  state: S;
  tensors: NamedTensor[];
}

const CURRENT = 'checkpoint';
const NEXT = 'checkpoint.next';
const PREVIOUS = 'checkpoint.prev';

/** Writes a checkpoint into `runDir` atomically (see the module comment). */
export async function saveCheckpoint<S>(runDir: string, checkpoint: Checkpoint<S>): Promise<void> {
  const next = join(runDir, NEXT);
  await rm(next, { recursive: true, force: true });
  await mkdir(next, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(checkpoint.tensors);
  // Flushed to the disk before the renames: after a power loss the swapped-in checkpoint is whole, not empty files.
  await writeFileDurably(join(next, 'tensors.bin'), new Uint8Array(data));
  await writeFileDurably(join(next, 'tensors.json'), JSON.stringify(specs));
  await writeFileDurably(join(next, 'state.json'), JSON.stringify(checkpoint.state));
  await writeFileDurably(next);
  const current = join(runDir, CURRENT);
  const previous = join(runDir, PREVIOUS);
  await rm(previous, { recursive: true, force: true });
  if (await pathExists(current)) await rename(current, previous);
  await rename(next, current);
  await writeFileDurably(runDir);
  await rm(previous, { recursive: true, force: true });
}

/** Reads the latest complete checkpoint of a run, or undefined when there is none. */
export async function loadCheckpoint<S>(runDir: string): Promise<Checkpoint<S> | undefined> {
  for (const name of [CURRENT, PREVIOUS]) {
    const dir = join(runDir, name);
    if (!(await pathExists(join(dir, 'state.json')))) continue;
    const read = async (file: string) => {
      try {
        return await readFile(join(dir, file));
      } catch (error) {
        throw new Error(`${join(dir, file)}: cannot read the checkpoint (${(error as Error).message})`);
      }
    };
    const [stateBytes, specBytes, data] = await Promise.all([read('state.json'), read('tensors.json'), read('tensors.bin')]);
    let state: S;
    let specs: tf.io.WeightsManifestEntry[];
    try {
      state = JSON.parse(stateBytes.toString('utf8')) as S;
      specs = JSON.parse(specBytes.toString('utf8')) as tf.io.WeightsManifestEntry[];
    } catch (error) {
      throw new Error(`${dir}: corrupt checkpoint (${(error as Error).message})`);
    }
    const expected = specs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * 4, 0);
    if (data.length !== expected)
      throw new Error(`${join(dir, 'tensors.bin')}: ${data.length} bytes, expected ${expected}: corrupt checkpoint`);
    const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    const decoded = tf.io.decodeWeights(buffer, specs);
    return { state, tensors: specs.map((spec) => ({ name: spec.name, tensor: decoded[spec.name] as tf.Tensor })) };
  }
  return undefined;
}
