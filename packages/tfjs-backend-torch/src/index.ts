/**
 * @mixent/tfjs-backend-torch: a TensorFlow.js backend whose kernels are libtorch's (ATen): PyTorch's own oneDNN
 * kernels on the CPU and cuDNN on CUDA, for any tfjs program.
 *
 *   import * as tf from '@tensorflow/tfjs-core';
 *   import '@mixent/tfjs-backend-torch';
 *   await tf.setBackend('torch');
 *
 * Importing this module registers the backend, or throws TorchUnavailableError (code MIXENT_TORCH_UNAVAILABLE) when
 * the native addon was not built or does not load; the message says how to get libtorch.
 */
import { registerBackend } from '@tensorflow/tfjs-core';
import { TorchBackend } from './backend.js';
import { loadBinding } from './binding.js';
import { BACKEND_NAME } from './kernels/define.js';
import { registerTorchKernels } from './kernels/index.js';
import { type TorchSettings, describeTorch, resolveTorchSettings } from './settings.js';

const binding = loadBinding();
registerTorchKernels(binding.info().kernels);

// Priority 3, as tfjs-node: importing a native backend means wanting it over the JavaScript ones.
registerBackend(
  BACKEND_NAME,
  () => {
    const settings = resolveTorchSettings(binding.info().cuda);
    binding.configure(settings.device, settings.threads);
    return new TorchBackend(binding);
  },
  3,
);

/** What the torch backend runs on: libtorch's version, the device, threads, oneDNN and cuDNN, and a line for people. */
export function torchInfo(): TorchSettings & {
  version: string;
  mkldnn: boolean;
  cudnn: boolean;
  cudaAvailable: boolean;
  description: string;
} {
  const info = binding.info();
  const settings = resolveTorchSettings(info.cuda);
  return {
    ...settings,
    version: info.version,
    mkldnn: info.mkldnn,
    cudnn: info.cudnn,
    cudaAvailable: info.cuda,
    description: describeTorch({ ...info, ...settings }),
  };
}

export { TorchBackend } from './backend.js';
export { TORCH_UNAVAILABLE, TorchUnavailableError } from './binding.js';
export { BACKEND_NAME } from './kernels/define.js';
export { fallbackCounts, resetFallbackCounts } from './kernels/fallback.js';
export { NATIVE_KERNEL_CONFIGS } from './kernels/index.js';
export { physicalCores, resolveTorchSettings, type TorchDevice, type TorchSettings } from './settings.js';
