// What runs anywhere tfjs runs, browsers included: everything but saving to and loading from a file system. Bundlers
// that target browsers get this module for '@mixent/models' (the "browser" export condition); Node gets index.ts.

// Models: [N, 28, 28, 1] float32 images → [N, C] logits.
export { vgg5 } from './vgg5.js';
export { spinalVgg } from './spinal-vgg.js';

// Registry, for configs that name a model.
export { getModel, isModelName, MODEL_NAMES } from './registry.js';
export { trainableVariables } from './variables.js';
export type { ModelBuilder, ModelName } from './registry.js';

// Options and widths.
export { DEFAULT_MODEL_OPTIONS, validateModelOptions } from './options.js';
export type { ModelOptions, ResolvedModelOptions } from './options.js';
export { modelName, REFERENCE_BLOCKS, resolveWidths, scaleWidth } from './widths.js';
export type { ModelWidths } from './widths.js';

// Fidelity to the PyTorch reference: initialization and BatchNorm mapping.
export { convKernelStd, deriveSeed, fanInBound } from './init.js';
export { BN_EPSILON, BN_MOMENTUM } from './blocks.js';

// Custom layers (registered with tfjs serialization on import).
export { FeatureSlice } from './layers.js';
export type { FeatureSliceArgs } from './layers.js';

// Weights under the PyTorch reference's state-dict names, both ways.
export {
  checkTorchStateDict,
  loadTorchStateDict,
  TORCH_EXTRA_KEYS,
  torchArchitectureOf,
  torchStateDictKeys,
  torchStateDictOf,
} from './torch-weights.js';
export type { StateDictTensor, TorchDtype, TorchTensor } from './torch-weights.js';
