import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelName } from './registry.js';
import { REFERENCE_BLOCKS } from './widths.js';

/*
 * The weights of a model under the names of the PyTorch reference (the paper's run_pretrained.py): modules l1..l4
 * (conv, BatchNorm, ReLU, … then MaxPool2d), then `classifier` (VGG-5) or `fc_spinal_layer1..4` and `fc_out`
 * (Spinal-VGG). Conv weights are OIHW there and HWIO here; Linear weights are [out, in] there and [in, out] here.
 */

/** A tensor as a state dict holds it, in row-major order. */
export interface StateDictTensor {
  shape: number[];
  data: ArrayLike<number>;
}

/** The dtypes a state dict of these models holds. */
export type TorchDtype = 'float32' | 'float64' | 'int64' | 'int32';

/** A tensor of a checkpoint with its PyTorch dtype; int64 values as JavaScript numbers (exact up to 2^53). */
export interface TorchTensor extends StateDictTensor {
  dtype: TorchDtype;
  data: Float32Array | Float64Array | Int32Array | number[];
}

type ModuleKind = 'conv' | 'linear' | 'batchnorm';

/** One module of the reference and the layer that holds its weights here. */
interface ModuleMapping {
  prefix: string;
  layer: string;
  kind: ModuleKind;
}

/** The parameter names of each kind of module, in the order of the tfjs layer's weights. */
const PARAMETERS: Readonly<Record<ModuleKind, readonly string[]>> = {
  conv: ['weight', 'bias'],
  linear: ['weight', 'bias'],
  batchnorm: ['weight', 'bias', 'running_mean', 'running_var'],
};

/** Keys the reference's checkpoints hold that are no weights of the model: reported, never dropped silently. */
export const TORCH_EXTRA_KEYS = Object.freeze(['loss_module.loss_1_weight', 'loss_module.loss_2_weight'] as const);

/** The modules of an architecture, in the reference's order. */
function modulesOf(architecture: ModelName): ModuleMapping[] {
  const modules: ModuleMapping[] = [];
  REFERENCE_BLOCKS.forEach((block, b) => {
    block.forEach((_, i) => {
      modules.push({ prefix: `l${b + 1}.${3 * i}`, layer: `block${b + 1}_conv${i + 1}`, kind: 'conv' });
      modules.push({ prefix: `l${b + 1}.${3 * i + 1}`, layer: `block${b + 1}_bn${i + 1}`, kind: 'batchnorm' });
    });
  });
  if (architecture === 'vgg5') {
    modules.push({ prefix: 'classifier.1', layer: 'head_fc1', kind: 'linear' });
    modules.push({ prefix: 'classifier.2', layer: 'head_bn1', kind: 'batchnorm' });
    modules.push({ prefix: 'classifier.5', layer: 'logits', kind: 'linear' });
  } else {
    for (let k = 1; k <= 4; k++) {
      modules.push({ prefix: `fc_spinal_layer${k}.1`, layer: `spinal_s${k}_dense`, kind: 'linear' });
      modules.push({ prefix: `fc_spinal_layer${k}.2`, layer: `spinal_s${k}_bn`, kind: 'batchnorm' });
    }
    modules.push({ prefix: 'fc_out.1', layer: 'logits', kind: 'linear' });
  }
  return modules;
}

/** The state-dict keys of an architecture's weights, with `num_batches_tracked` of each BatchNorm. */
export function torchStateDictKeys(architecture: ModelName): string[] {
  return modulesOf(architecture).flatMap(({ prefix, kind }) => [
    ...PARAMETERS[kind].map((p) => `${prefix}.${p}`),
    ...(kind === 'batchnorm' ? [`${prefix}.num_batches_tracked`] : []),
  ]);
}

/** OIHW → HWIO for conv weights, [out, in] → [in, out] for Linear ones; other tensors as they are. */
function toTfjs(kind: ModuleKind, parameter: string, tensor: StateDictTensor): tf.Tensor {
  const t = tf.tensor(tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data), tensor.shape, 'float32');
  if (parameter !== 'weight' || kind === 'batchnorm') return t;
  const permuted = tf.transpose(t, kind === 'conv' ? [2, 3, 1, 0] : [1, 0]);
  t.dispose();
  return permuted;
}

function fromTfjs(kind: ModuleKind, parameter: string, tensor: tf.Tensor): TorchTensor {
  const permuted =
    parameter !== 'weight' || kind === 'batchnorm' ? tensor.clone() : tf.transpose(tensor, kind === 'conv' ? [3, 2, 0, 1] : [1, 0]);
  const result: TorchTensor = { dtype: 'float32', shape: [...permuted.shape], data: permuted.dataSync() as Float32Array };
  permuted.dispose();
  return result;
}

/** Which architecture a state dict's keys belong to, by its head. */
export function torchArchitectureOf(keys: Iterable<string>): ModelName | undefined {
  const list = [...keys];
  if (list.some((k) => k.startsWith('classifier.'))) return 'vgg5';
  if (list.some((k) => k.startsWith('fc_spinal_layer'))) return 'spinal-vgg';
  return undefined;
}

/**
 * Checks a state dict against a model of `architecture` built here: the architecture, then every key (none unknown,
 * none missing), then every shape. Returns nothing; throws naming `source` and the key.
 */
export function checkTorchStateDict(
  model: tfl.LayersModel,
  architecture: ModelName,
  stateDict: ReadonlyMap<string, StateDictTensor>,
  source: string,
): void {
  const found = torchArchitectureOf(stateDict.keys());
  if (found && found !== architecture) throw new Error(`${source}: a ${found} checkpoint, not ${architecture} (its head's keys say so)`);
  const expected = torchStateDictKeys(architecture);
  const allowed = new Set<string>([...expected, ...TORCH_EXTRA_KEYS]);
  const unknown = [...stateDict.keys()].filter((k) => !allowed.has(k));
  if (unknown.length > 0) throw new Error(`${source}: unknown keys for ${architecture}: ${unknown.join(', ')}`);
  const missing = expected.filter((k) => !stateDict.has(k));
  if (missing.length > 0) throw new Error(`${source}: missing keys for ${architecture}: ${missing.join(', ')}`);
  for (const { prefix, layer, kind } of modulesOf(architecture)) {
    const weights = model.getLayer(layer).getWeights();
    PARAMETERS[kind].forEach((parameter, i) => {
      const key = `${prefix}.${parameter}`;
      const shape = (stateDict.get(key) as StateDictTensor).shape;
      const ours = fromTfjsShape(kind, parameter, (weights[i] as tf.Tensor).shape);
      if (shape.join() !== ours.join())
        throw new Error(`${source}: ${key} has shape [${shape.join(', ')}], the model needs [${ours.join(', ')}]`);
    });
  }
}

function fromTfjsShape(kind: ModuleKind, parameter: string, shape: number[]): number[] {
  if (parameter !== 'weight' || kind === 'batchnorm') return shape;
  return kind === 'conv' ? [shape[3], shape[2], shape[0], shape[1]].map(Number) : [shape[1], shape[0]].map(Number);
}

/** Sets a model's weights, BatchNorm statistics included, from a checked state dict of the reference. */
export function loadTorchStateDict(model: tfl.LayersModel, architecture: ModelName, stateDict: ReadonlyMap<string, StateDictTensor>): void {
  for (const { prefix, layer, kind } of modulesOf(architecture)) {
    const tensors = PARAMETERS[kind].map((p) => toTfjs(kind, p, stateDict.get(`${prefix}.${p}`) as StateDictTensor));
    model.getLayer(layer).setWeights(tensors);
    tf.dispose(tensors);
  }
}

/**
 * A model's weights as the reference's state dict, with every key `load_state_dict` asks for: tfjs does not count
 * BatchNorm's batches, so `num_batches_tracked` is 0 (PyTorch reads it only when its momentum is None).
 */
export function torchStateDictOf(model: tfl.LayersModel, architecture: ModelName): Map<string, TorchTensor> {
  const stateDict = new Map<string, TorchTensor>();
  for (const { prefix, layer, kind } of modulesOf(architecture)) {
    const weights = model.getLayer(layer).getWeights();
    PARAMETERS[kind].forEach((parameter, i) => stateDict.set(`${prefix}.${parameter}`, fromTfjs(kind, parameter, weights[i] as tf.Tensor)));
    if (kind === 'batchnorm') stateDict.set(`${prefix}.num_batches_tracked`, { dtype: 'int64', shape: [], data: [0] });
  }
  return stateDict;
}
