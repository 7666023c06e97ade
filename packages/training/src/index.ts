/**
 * @mixent/training: data + model + loss → trained models and honest numbers.
 * Backends behind one call (selectBackend), the reference recipe as a plain config, the
 * training loop with exact resume from checkpoints, and evaluation.
 */

// Backends: selection, and the wasm gradient kernels tfjs-backend-wasm lacks.
export { BACKEND_NAMES, BackendUnavailableError, selectBackend, type BackendInfo, type BackendName } from './backends/select.js';
export { WASM_KERNELS } from './backends/wasm-kernels.js';
export { initWasmBackend, registerWasmKernels, type WasmBackendInfo, type WasmBackendOptions } from './backends/wasm.js';
export { describeWebgpuAdapter, initWebgpuBackend, WebgpuUnavailableError, type WebgpuAdapterInfo } from './backends/webgpu.js';
export { compareTrainingStep, type GradientAgreement, type TrainingStepAgreement, type TrainingStepOptions } from './backends/agreement.js';

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

// The training loop, its schedule, checkpoints and evaluation.
export { DivergenceError, train, type RunPredictions, type TrainOptions, type TrainSummary } from './train.js';
export { loadRunData } from './load-run-data.js';
export { createTrainer, disposeTrainer, trainStep, type RunEnvironment, type TrainerContext, type TrainerState } from './trainer.js';
export { runEpoch, type EpochHooks, type EpochResult, type EpochTotals, type StepReport } from './epoch.js';
export { initialRunState, type EpochRecord, type RunState } from './run-state.js';
export { splitRunData, type RunData } from './run-data.js';
export { nextLearningRate } from './schedule.js';
export { loadCheckpoint, saveCheckpoint, type Checkpoint, type NamedTensor } from './checkpoint.js';
export { evaluate, type Evaluation } from './evaluate.js';
