import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { installWasmKernels } from './wasm-kernels.js';

/**
 * Registers the gradient kernels tfjs-backend-wasm lacks, runs slowly or gets wrong (`WASM_KERNELS`), as in Node;
 * the browser build reads the backend's release from the backend itself. Idempotent.
 */
export function registerWasmKernels(): void {
  installWasmKernels(version_wasm);
}
