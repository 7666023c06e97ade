import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Number of scalars in a list of weights. */
export function countParams(weights: readonly tfl.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.read().size, 0);
}

/** Every weight of a model by its name, e.g. `block1_conv1/kernel`. */
export function weightValues(model: tfl.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}

/** The value of one weight of a model. */
export function weightOf(model: tfl.LayersModel, name: string): Float32Array {
  const w = model.weights.find((v) => v.originalName === name);
  if (w === undefined) throw new Error(`no weight ${name}`);
  return w.read().dataSync() as Float32Array;
}

/** Replaces one weight of a model. */
export function setWeight(model: tfl.LayersModel, name: string, values: Float32Array | number[]): void {
  const w = model.weights.find((v) => v.originalName === name);
  if (w === undefined) throw new Error(`no weight ${name}`);
  const t = tf.tensor(values, w.read().shape);
  w.write(t);
  t.dispose();
}

/** Mean and (population) standard deviation. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] ?? 0;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += ((values[i] ?? 0) - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

/** Largest absolute value. */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i] ?? 0));
  return m;
}

/** Deterministic pseudo-random numbers in [-scale, scale), for inputs and weights set by tests. */
export function pseudoRandom(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/**
 * The layer table of a model as markdown, one row per layer: name, type, output shape, trainable parameters,
 * BatchNorm statistics. The README's tables are this function's output; a test keeps them in sync.
 */
export function layerTable(model: tfl.LayersModel): string {
  const n = (count: number) => (count === 0 ? '' : count.toLocaleString('en-US'));
  const rows = model.layers.map((layer) => {
    const shape = JSON.stringify(layer.outputShape).replace(/null/g, 'N').replace(/,/g, ', ');
    const type = layer.getClassName().replace(/^mixent>/, '');
    const trainable = n(countParams(layer.trainableWeights));
    return `| \`${layer.name}\` | ${type} | ${shape} | ${trainable} | ${n(countParams(layer.nonTrainableWeights))} |`;
  });
  const total = `| **total** | | | **${n(countParams(model.trainableWeights))}** | **${n(countParams(model.nonTrainableWeights))}** |`;
  return ['| layer | type | output shape | trainable | BN statistics |', '|---|---|---|--:|--:|', ...rows, total].join('\n');
}
