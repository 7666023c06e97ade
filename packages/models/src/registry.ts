import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelOptions } from './options.js';
import { spinalVgg } from './spinal-vgg.js';
import { vgg5 } from './vgg5.js';

/** Builds a model from options. */
export type ModelBuilder = (options?: ModelOptions) => tfl.LayersModel;

/** Every registered model name, as configs spell them. */
export const MODEL_NAMES = Object.freeze(['vgg5', 'spinal-vgg'] as const);

/** A model name a config may use: `'vgg5'` or `'spinal-vgg'`. */
export type ModelName = (typeof MODEL_NAMES)[number];

const BUILDERS: Readonly<Record<ModelName, ModelBuilder>> = Object.freeze({ vgg5, 'spinal-vgg': spinalVgg });

/** True when `name` is a registered model name. */
export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/**
 * Builds a registered model by name, for configs. Throws, listing the known names, when the name is unknown;
 * the options are validated by the builder.
 */
export function getModel(name: string, options?: ModelOptions): tfl.LayersModel {
  if (!isModelName(name)) {
    throw new Error(`Unknown model '${name}': known models are ${MODEL_NAMES.map((n) => `'${n}'`).join(', ')}`);
  }
  return BUILDERS[name](options);
}
