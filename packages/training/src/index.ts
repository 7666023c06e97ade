/**
 * @mixent/training: data + model + loss → trained models and honest numbers.
 * Backends behind one call (selectBackend), the reference recipe as a plain config, the
 * training loop with exact resume from checkpoints, and evaluation.
 */

// Everything that runs anywhere tfjs runs (what browsers get, see browser.ts).
export * from './browser.js';

// Backends: selection in Node, and the wasm gradient kernels tfjs-backend-wasm lacks (Node's registerWasmKernels,
// which reads the backend's release without importing it, takes the place of the browser's).
export { BACKEND_NAMES, BackendUnavailableError, selectBackend, type BackendInfo, type BackendName } from './backends/select.js';
export { initWasmBackend, registerWasmKernels, type WasmBackendInfo, type WasmBackendOptions } from './backends/wasm.js';
export { describeWebgpuAdapter, initWebgpuBackend, WebgpuUnavailableError, type WebgpuAdapterInfo } from './backends/webgpu.js';
export { compareTrainingStep, type GradientAgreement, type TrainingStepAgreement, type TrainingStepOptions } from './backends/agreement.js';

// The training loop in a run folder: metrics.jsonl, checkpoints and exact resume (Node only).
export { DivergenceError, train, type RunPredictions, type TrainOptions, type TrainSummary } from './train.js';
export { loadRunData } from './load-run-data.js';
export { loadCheckpoint, saveCheckpoint, type Checkpoint, type NamedTensor } from './checkpoint.js';
