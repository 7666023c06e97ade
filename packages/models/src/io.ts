import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
// Registers FeatureSlice, so that a saved Spinal-VGG deserializes.
import './layers.js';

/** The topology and manifest file of a saved model. */
export const MODEL_JSON_FILE = 'model.json';
/** The one weights file of a saved model: every weight, as raw little-endian bytes, in manifest order. */
export const WEIGHTS_FILE = 'weights.bin';

const BYTES_PER_DTYPE: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * A tfjs `IOHandler` that saves to and loads from a directory on the local file system with Node's `fs`, without
 * `@tensorflow/tfjs-node`. Saving is atomic: the files are written and synced in a temporary directory beside
 * `dir`, which then replaces `dir` by renames; an existing `dir` must be a saved model (or empty).
 * Loading checks every file and throws errors that name the file at fault.
 */
export function fileSystemIOHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      await writeArtifacts(path.resolve(dir), artifacts);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: () => readArtifacts(path.resolve(dir)),
  };
}

/**
 * Saves a model's topology and all its weights (BatchNorm statistics included) to `dir`, atomically: a previous
 * save there is replaced whole, and a folder that holds anything else is refused.
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  return model.save(fileSystemIOHandler(dir));
}

/**
 * Loads a model saved by `saveModel`. Its predictions equal the saved model's bit for bit.
 * Throws an error naming the file when a file is missing, truncated or corrupt.
 */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  // readArtifacts' errors name their file; errors tfjs raises while rebuilding the model concern model.json.
  const artifacts = await readArtifacts(path.resolve(dir));
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new Error(`loadModel: ${path.join(path.resolve(dir), MODEL_JSON_FILE)}: ${message(error)}`, { cause: error });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

async function writeSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeArtifacts(dir: string, artifacts: tf.io.ModelArtifacts): Promise<void> {
  if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology == null) {
    throw new Error('saveModel: only models with a JSON topology (tfjs LayersModel) can be saved');
  }
  const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig != null && { trainingConfig: artifacts.trainingConfig }),
    ...(artifacts.userDefinedMetadata != null && { userDefinedMetadata: artifacts.userDefinedMetadata }),
  };

  const parent = path.dirname(dir);
  const base = path.basename(dir);
  await fs.mkdir(parent, { recursive: true });
  if (await exists(dir)) {
    const entries = await fs.readdir(dir).catch(() => {
      throw new Error(`saveModel: ${dir} exists and is not a directory`);
    });
    // Replacing the folder deletes what is in it: only a previous save (model.json and weights.bin) may go.
    const foreign = entries.filter((entry) => entry !== MODEL_JSON_FILE && entry !== WEIGHTS_FILE);
    if (foreign.length > 0) {
      throw new Error(`saveModel: ${dir} holds files saveModel did not write (${foreign.join(', ')}); refusing to replace it`);
    }
  }
  // Same parent, so both renames stay on one file system and are atomic.
  const tag = `${process.pid}-${randomUUID()}`;
  const tmp = path.join(parent, `.${base}.tmp-${tag}`);
  const old = path.join(parent, `.${base}.old-${tag}`);
  try {
    await fs.mkdir(tmp);
    await writeSynced(path.join(tmp, WEIGHTS_FILE), new Uint8Array(weights));
    await writeSynced(path.join(tmp, MODEL_JSON_FILE), JSON.stringify(modelJson));
    // A directory cannot be renamed over a non-empty one: move the old save aside, swap, then delete it.
    const hadOld = await exists(dir);
    if (hadOld) await fs.rename(dir, old);
    try {
      await fs.rename(tmp, dir);
    } catch (error) {
      if (hadOld) await fs.rename(old, dir);
      throw error;
    }
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape of a parsed model.json; returns it typed, or throws naming the file and the field. */
function validateModelJson(json: unknown, file: string): tf.io.ModelJSON {
  const bad = (what: string) => new Error(`loadModel: ${file}: ${what}`);
  if (!isRecord(json)) throw bad('not a JSON object');
  if (!isRecord(json['modelTopology'])) throw bad('modelTopology is missing or not an object');
  const manifest = json['weightsManifest'];
  if (!Array.isArray(manifest)) throw bad('weightsManifest is missing or not an array');
  manifest.forEach((group: unknown, g) => {
    if (!isRecord(group) || !Array.isArray(group['paths']) || !Array.isArray(group['weights'])) {
      throw bad(`weightsManifest[${g}] needs arrays 'paths' and 'weights'`);
    }
    for (const p of group['paths']) {
      // Weight files live beside model.json: no directories, so a manifest cannot point outside the save.
      if (typeof p !== 'string' || p === '' || p === '.' || p === '..' || p.includes('/') || p.includes('\\')) {
        throw bad(`weightsManifest[${g}].paths holds ${JSON.stringify(p)}, not a plain file name`);
      }
    }
    group['weights'].forEach((spec: unknown, w) => {
      const ok =
        isRecord(spec) &&
        typeof spec['name'] === 'string' &&
        Array.isArray(spec['shape']) &&
        spec['shape'].every((d) => Number.isInteger(d) && d >= 0) &&
        typeof spec['dtype'] === 'string' &&
        BYTES_PER_DTYPE[spec['dtype']] !== undefined;
      if (!ok) throw bad(`weightsManifest[${g}].weights[${w}] is not a valid weight spec`);
    });
  });
  return json as unknown as tf.io.ModelJSON;
}

function byteLength(spec: tf.io.WeightsManifestEntry): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return spec.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_DTYPE[dtype] ?? Number.NaN);
}

/**
 * Where a save into `dir` was cut between its two renames (the old save moved aside, the new one not yet in place),
 * the previous save is still whole beside it: names it, for the error. Empty when there is none.
 */
async function interruptedSave(dir: string): Promise<string> {
  const parent = path.dirname(dir);
  const prefix = `.${path.basename(dir)}.old-`;
  const entries = await fs.readdir(parent).catch(() => [] as string[]);
  const old = entries.find((entry) => entry.startsWith(prefix));
  return old === undefined ? '' : ` (a save was interrupted: the previous one is whole in ${path.join(parent, old)}; rename it to ${dir})`;
}

async function readArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const jsonFile = path.join(dir, MODEL_JSON_FILE);
  let text: string;
  try {
    text = await fs.readFile(jsonFile, 'utf8');
  } catch (error) {
    throw new Error(`loadModel: cannot read ${jsonFile}: ${message(error)}${await interruptedSave(dir)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`loadModel: ${jsonFile} is not valid JSON: ${message(error)}`, { cause: error });
  }
  const modelJson = validateModelJson(parsed, jsonFile);

  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      const files = group.paths.map((p) => path.join(dir, p));
      let groupBytes = 0;
      for (const file of files) {
        let data: Buffer;
        try {
          data = await fs.readFile(file);
        } catch (error) {
          throw new Error(`loadModel: cannot read weights file ${file}: ${message(error)}`, { cause: error });
        }
        buffers.push(new Uint8Array(data).buffer);
        groupBytes += data.byteLength;
      }
      const expected = group.weights.reduce((sum, spec) => sum + byteLength(spec), 0);
      if (groupBytes !== expected) {
        throw new Error(`loadModel: weights file ${files.join(', ')} holds ${groupBytes} bytes; ${jsonFile} expects ${expected}`);
      }
      specs.push(...group.weights);
    }
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
}
