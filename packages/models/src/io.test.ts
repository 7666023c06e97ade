import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudoRandom, weightValues } from './__fixtures__/helpers.js';
import { loadModel, MODEL_JSON_FILE, saveModel, WEIGHTS_FILE } from './io.js';
import { spinalVgg } from './spinal-vgg.js';
import { vgg5 } from './vgg5.js';

let root: string;
let x: tf.Tensor;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mixent-models-io-'));
  x = tf.tensor(pseudoRandom(6 * 28 * 28, 3), [6, 28, 28, 1]);
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function predict(model: tfl.LayersModel): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
}

/** A saved small Spinal-VGG whose files the error tests then damage. */
async function savedCopy(name: string): Promise<string> {
  const dir = path.join(root, name);
  await saveModel(spinalVgg({ widthMultiplier: 0.125 }), dir);
  return dir;
}

describe.each([
  ['vgg5', vgg5],
  ['spinal-vgg', spinalVgg],
] as const)('%s save/load round trip', (name, build) => {
  it('reproduces predictions bit for bit, BatchNorm statistics included', async () => {
    const model = build({ widthMultiplier: 0.125, seed: 4 });
    // One training-mode pass moves the BatchNorm statistics off their initial values.
    tf.tidy(() => {
      model.apply(x, { training: true });
    });
    const dir = path.join(root, name);
    const result = await saveModel(model, dir);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(4 * model.countParams());
    expect((await fs.readdir(dir)).sort()).toEqual([MODEL_JSON_FILE, WEIGHTS_FILE]);

    const loaded = await loadModel(dir);
    expect(loaded.name).toBe(model.name);
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(weightValues(loaded)).toEqual(weightValues(model));
    const a = predict(model);
    const b = predict(loaded);
    expect(Buffer.from(b.buffer)).toEqual(Buffer.from(a.buffer));
  });
});

describe('saveModel', () => {
  it('replaces an earlier save atomically and leaves no temporary directory behind', async () => {
    const dir = path.join(root, 'replaced');
    await saveModel(vgg5({ widthMultiplier: 0.125, seed: 1 }), dir);
    const second = vgg5({ widthMultiplier: 0.125, seed: 2 });
    await saveModel(second, dir);
    expect(predict(await loadModel(dir))).toEqual(predict(second));
    expect((await fs.readdir(root)).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('creates missing parent directories', async () => {
    const dir = path.join(root, 'a', 'b', 'c');
    await saveModel(vgg5({ widthMultiplier: 0.125 }), dir);
    expect((await fs.readdir(dir)).sort()).toEqual([MODEL_JSON_FILE, WEIGHTS_FILE]);
  });

  it('refuses to replace a directory that is not a saved model', async () => {
    const dir = path.join(root, 'precious');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'notes.txt'), 'keep me');
    await expect(saveModel(vgg5({ widthMultiplier: 0.125 }), dir)).rejects.toThrow(
      `${dir} holds files saveModel did not write (notes.txt)`,
    );
    expect(await fs.readFile(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses to replace a saved model that has other files beside it', async () => {
    const dir = path.join(root, 'model-with-notes');
    await saveModel(vgg5({ widthMultiplier: 0.125 }), dir);
    await fs.writeFile(path.join(dir, 'notes.txt'), 'keep me too');
    await expect(saveModel(vgg5({ widthMultiplier: 0.125 }), dir)).rejects.toThrow(/\(notes\.txt\); refusing to replace it/);
    expect((await fs.readdir(dir)).sort()).toEqual([MODEL_JSON_FILE, 'notes.txt', WEIGHTS_FILE]);
  });
});

describe('loadModel errors name the file at fault', () => {
  it('missing model.json', async () => {
    const dir = await savedCopy('no-json');
    await fs.rm(path.join(dir, MODEL_JSON_FILE));
    await expect(loadModel(dir)).rejects.toThrow(path.join(dir, MODEL_JSON_FILE));
  });

  it('a save cut between its renames: names the previous save, whole beside it', async () => {
    const dir = await savedCopy('cut');
    const aside = path.join(path.dirname(dir), `.cut.old-1234-abcd`);
    await fs.rename(dir, aside);
    await expect(loadModel(dir)).rejects.toThrow(`(a save was interrupted: the previous one is whole in ${aside}; rename it to ${dir})`);
    await fs.rename(aside, dir);
    await expect(loadModel(dir)).resolves.toBeDefined();
  });

  it('missing weights file', async () => {
    const dir = await savedCopy('no-weights');
    await fs.rm(path.join(dir, WEIGHTS_FILE));
    await expect(loadModel(dir)).rejects.toThrow(`cannot read weights file ${path.join(dir, WEIGHTS_FILE)}`);
  });

  it('truncated weights file', async () => {
    const dir = await savedCopy('truncated');
    const file = path.join(dir, WEIGHTS_FILE);
    const data = await fs.readFile(file);
    await fs.writeFile(file, data.subarray(0, data.length - 4));
    await expect(loadModel(dir)).rejects.toThrow(`weights file ${file} holds ${data.length - 4} bytes`);
  });

  it('model.json that is not JSON', async () => {
    const dir = await savedCopy('garbled');
    await fs.writeFile(path.join(dir, MODEL_JSON_FILE), '{"modelTopology": ');
    await expect(loadModel(dir)).rejects.toThrow(`${path.join(dir, MODEL_JSON_FILE)} is not valid JSON`);
  });

  it('model.json without a topology or manifest', async () => {
    const dir = await savedCopy('no-topology');
    const file = path.join(dir, MODEL_JSON_FILE);
    await fs.writeFile(file, JSON.stringify({ weightsManifest: [] }));
    await expect(loadModel(dir)).rejects.toThrow(`${file}: modelTopology is missing`);
    await fs.writeFile(file, JSON.stringify({ modelTopology: {} }));
    await expect(loadModel(dir)).rejects.toThrow(`${file}: weightsManifest is missing`);
  });

  it('a manifest that points outside the directory', async () => {
    const dir = await savedCopy('escape');
    const file = path.join(dir, MODEL_JSON_FILE);
    const json = JSON.parse(await fs.readFile(file, 'utf8'));
    json.weightsManifest[0].paths = ['../escape/weights.bin'];
    await fs.writeFile(file, JSON.stringify(json));
    await expect(loadModel(dir)).rejects.toThrow(`${file}: weightsManifest[0].paths holds "../escape/weights.bin"`);
  });

  it('a topology tfjs cannot rebuild', async () => {
    const dir = await savedCopy('bad-layer');
    const file = path.join(dir, MODEL_JSON_FILE);
    const json = JSON.parse(await fs.readFile(file, 'utf8'));
    json.modelTopology.config.layers[1].class_name = 'NoSuchLayer';
    await fs.writeFile(file, JSON.stringify(json));
    await expect(loadModel(dir)).rejects.toThrow(`loadModel: ${file}: `);
  });
});
