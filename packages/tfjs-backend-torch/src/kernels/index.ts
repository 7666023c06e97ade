import { type KernelConfig, registerKernel } from '@tensorflow/tfjs-core';
import { BACKEND_NAME } from './define.js';
import { ELEMENTWISE_KERNELS } from './elementwise.js';
import { fallbackKernels } from './fallback.js';
import { NN_KERNELS } from './nn.js';
import { REDUCTION_KERNELS } from './reduce.js';
import { SHAPE_KERNELS } from './shape.js';

/** The kernels that run on libtorch, as tfjs names them. */
export const NATIVE_KERNEL_CONFIGS: readonly KernelConfig[] = [
  ...ELEMENTWISE_KERNELS,
  ...REDUCTION_KERNELS,
  ...SHAPE_KERNELS,
  ...NN_KERNELS,
];

/** Registers every native kernel, and a cpu fallback for each other kernel tfjs' cpu backend has. */
export function registerTorchKernels(addonKernels: readonly string[]): void {
  const addon = new Set(addonKernels);
  for (const config of NATIVE_KERNEL_CONFIGS) {
    // Each TypeScript kernel calls the addon by its own name (or Identity, FusedConv2D, which are in the addon too).
    if (!addon.has(config.kernelName))
      throw new Error(`the torch addon lacks kernel ${config.kernelName}: rebuild it (npm rebuild @mixent/tfjs-backend-torch)`);
    registerKernel(config);
  }
  for (const config of fallbackKernels(new Set(NATIVE_KERNEL_CONFIGS.map((k) => k.kernelName)), BACKEND_NAME)) registerKernel(config);
}
