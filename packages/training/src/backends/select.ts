import * as tf from '@tensorflow/tfjs-core';
import type * as TorchPackage from '@mixent/tfjs-backend-torch';
import { importOptional, importTorch, packageVersion } from './optional.js';
import { initWasmBackend } from './wasm.js';
import { WebgpuUnavailableError, initWebgpuBackend } from './webgpu.js';

/**
 * The one place that knows which TensorFlow.js backends exist and how to start them. The rest of
 * mixent calls selectBackend() once and never asks again which backend runs.
 */

/** The backends mixent can run on, in the order `auto` tries them. */
export const BACKEND_NAMES = Object.freeze(['torch', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const);

/** A backend's name, as `--backend` and MIXENT_BACKEND take it. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The backend that runs, as selectBackend started it. */
export interface BackendInfo {
  name: BackendName;
  /** The npm package that provides it, and its version. */
  package: string;
  version: string;
  /** One line for people: e.g. "wasm (SIMD, 1 thread)". */
  description: string;
  /** True when it runs on a software (CPU-emulated) GPU adapter: correct, but slow. */
  software?: boolean;
}

/** A backend that was asked for by name but cannot run here; the message says how to get it. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

/** Starts one backend; `auto` is true when selectBackend is trying each in turn rather than obeying a name. */
type Starter = (auto: boolean) => Promise<BackendInfo>;

/** The torch backend's package, and the code of the error it throws on import when its addon cannot run. */
const TORCH_PACKAGE = '@mixent/tfjs-backend-torch';
const TORCH_UNAVAILABLE = 'MIXENT_TORCH_UNAVAILABLE';

const STARTERS: Readonly<Record<BackendName, Starter>> = Object.freeze({
  async torch() {
    let loaded: typeof TorchPackage;
    try {
      loaded = await importTorch();
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      if (code === TORCH_UNAVAILABLE) throw new BackendUnavailableError(`backend 'torch' is not available: ${message}`);
      if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message?.includes(TORCH_PACKAGE)) {
        throw new BackendUnavailableError(
          `backend 'torch' is not available: ${TORCH_PACKAGE} is not installed. Install it (npm install ${TORCH_PACKAGE}) on a machine with ` +
            'libtorch (pip install torch, or apt install libtorch-dev), or use --backend wasm',
        );
      }
      throw error;
    }
    // Reads MIXENT_TORCH_DEVICE and MIXENT_TORCH_THREADS: a bad value is an error, not a reason to try the next backend.
    const { description } = loaded.torchInfo();
    if (!(await tf.setBackend('torch'))) throw new BackendUnavailableError("backend 'torch' failed to initialize");
    return { name: 'torch', package: TORCH_PACKAGE, version: packageVersion(TORCH_PACKAGE), description };
  },
  async tensorflow() {
    // tfjs-node(-gpu) registers the 'tensorflow' backend (libtensorflow, CUDA for -gpu) on import. One that is
    // installed but does not load (no CUDA for -gpu, no libtensorflow) gives way to the next.
    const broken: string[] = [];
    for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      let loaded: Record<string, unknown> | undefined;
      try {
        loaded = await importOptional(name);
      } catch (error) {
        broken.push(`${name} is installed but does not load (${(error as Error).message})`);
        continue;
      }
      if (loaded && (await tf.setBackend('tensorflow'))) {
        return {
          name: 'tensorflow',
          package: name,
          version: packageVersion(name),
          description: `tensorflow (${name}, libtensorflow)`,
        };
      }
    }
    if (broken.length > 0) {
      throw new BackendUnavailableError(
        `backend 'tensorflow' is not available: ${broken.join('; ')}; reinstall it where its install script can download libtensorflow`,
      );
    }
    throw new BackendUnavailableError(
      "backend 'tensorflow' is not available: neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed. " +
        'Install one (npm install @tensorflow/tfjs-node-gpu: CUDA 11.2 and cuDNN 8.1, and its install script downloads libtensorflow from Google storage), or use --backend wasm',
    );
  },
  async webgpu(auto) {
    // auto skips a software adapter (lavapipe, SwiftShader): wasm trains more than 10x faster on the same CPU.
    try {
      const adapter = await initWebgpuBackend({ allowSoftware: !auto });
      return {
        name: 'webgpu',
        package: '@tensorflow/tfjs-backend-webgpu',
        version: packageVersion('@tensorflow/tfjs-backend-webgpu'),
        description: `webgpu (${adapter.description}${adapter.software ? '; CPU-emulated, slow' : ''})`,
        software: adapter.software,
      };
    } catch (error) {
      if (!(error instanceof WebgpuUnavailableError)) throw error;
      throw new BackendUnavailableError(`backend 'webgpu' is not available: ${error.message}; or use --backend wasm`);
    }
  },
  async wasm() {
    const info = await initWasmBackend();
    const description = `wasm (${info.simd ? 'SIMD' : 'no SIMD'}, ${info.threads} thread${
      info.threads === 1 ? '' : 's'
    }, mixent gradient kernels)`;
    return {
      name: 'wasm',
      package: '@tensorflow/tfjs-backend-wasm',
      version: packageVersion('@tensorflow/tfjs-backend-wasm'),
      description,
    };
  },
  async cpu() {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new BackendUnavailableError("backend 'cpu' failed to initialize");
    return {
      name: 'cpu',
      package: '@tensorflow/tfjs-backend-cpu',
      version: packageVersion('@tensorflow/tfjs-backend-cpu'),
      description: 'cpu (pure JavaScript: very slow for training)',
    };
  },
});

/**
 * Starts a backend and makes it tfjs' active one. `preference` (else MIXENT_BACKEND, else
 * 'auto') names one of BACKEND_NAMES, or 'auto' for the first that works in the order
 * torch, tensorflow, webgpu (a hardware adapter only), wasm, cpu. A named backend that cannot run is a
 * BackendUnavailableError saying how to install it; a named webgpu runs on a software adapter too.
 */
export async function selectBackend(preference: string | undefined = process.env.MIXENT_BACKEND): Promise<BackendInfo> {
  const choice = preference || 'auto';
  if (choice !== 'auto') {
    if (!(BACKEND_NAMES as readonly string[]).includes(choice)) {
      throw new BackendUnavailableError(`unknown backend '${choice}': choose one of ${BACKEND_NAMES.join(', ')} or auto`);
    }
    return STARTERS[choice as BackendName](false);
  }
  for (const name of BACKEND_NAMES) {
    try {
      return await STARTERS[name](true);
    } catch (error) {
      if (!(error instanceof BackendUnavailableError)) throw error;
    }
  }
  throw new BackendUnavailableError('no TensorFlow.js backend could start');
}
