// What runs in a browser: the config, the data split, the trainer, one epoch of the loop, evaluation and the
// wasm kernels, the same modules as in Node. Bundlers that target browsers get this module for
// '@mixent/training' (the "browser" export condition); Node gets index.ts, which adds train() with its run
// folder (metrics.jsonl, checkpoints, exact resume), loadRunData and the backend selection of Node.

// Configs: the reference recipe as data.
export {
  ConfigError,
  DEFAULT_CONFIG,
  isSameConfig,
  PROFILES,
  mergeConfig,
  resolveConfig,
  trainConfigSchema,
  validateConfig,
  type ConfigOverrides,
  type ProfileName,
  type TrainConfig,
} from './config.js';

// The loop's parts: the data split, the trainer and its step, one epoch, the schedule and evaluation.
export { splitRunData, type RunData } from './run-data.js';
export {
  createTrainer,
  describeRunEnvironment,
  disposeTrainer,
  trainStep,
  type RunEnvironment,
  type TrainerContext,
  type TrainerState,
} from './trainer.js';
export { runEpoch, type EpochHooks, type EpochResult, type EpochTotals, type StepReport } from './epoch.js';
export { initialRunState, type EpochRecord, type RunState } from './run-state.js';
export { nextLearningRate } from './schedule.js';
export { evaluate, type Evaluation } from './evaluate.js';

// The wasm backend's missing gradient kernels.
export { WASM_KERNELS } from './backends/wasm-kernels.js';
export { registerWasmKernels } from './backends/wasm-browser.js';
