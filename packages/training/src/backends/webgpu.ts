import * as tf from '@tensorflow/tfjs-core';
import { importOptional } from './optional.js';

/** The WebGPU adapter the webgpu backend runs on, as the adapter describes itself. */
export interface WebgpuAdapterInfo {
  /** Vendor, device and architecture in one line, e.g. "nvidia, NVIDIA H100 80GB HBM3, hopper". */
  readonly description: string;
  /**
   * A software rasterizer running on the CPU (Mesa's lavapipe/llvmpipe, SwiftShader): correct, but far slower
   * than the wasm backend on the same CPU (BENCHMARKS.md), so `auto` never picks it.
   */
  readonly software: boolean;
}

/** Why the webgpu backend cannot start; `reason` tells the two cases apart. */
export class WebgpuUnavailableError extends Error {
  override readonly name = 'WebgpuUnavailableError';
  constructor(
    message: string,
    /** 'no-webgpu': no navigator.gpu, no `webgpu` package, or no tfjs-backend-webgpu; 'no-adapter': WebGPU found no adapter. */
    readonly reason: 'no-webgpu' | 'no-adapter',
  ) {
    super(message);
  }
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<{ info?: AdapterInfoLike; isFallbackAdapter?: boolean } | null>;
}

/**
 * navigator.gpu where the runtime has it (browsers, Deno); in Node the Dawn bindings of the `webgpu` npm package,
 * installed as navigator.gpu with WebGPU's global constants (GPUBufferUsage…), which tfjs-backend-webgpu reads.
 */
async function webgpuEntryPoint(): Promise<GpuLike> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const dawn = await importOptional('webgpu');
  if (!dawn) {
    throw new WebgpuUnavailableError(
      'no navigator.gpu here and the `webgpu` package (Dawn for Node) is not installed; npm install webgpu',
      'no-webgpu',
    );
  }
  Object.assign(globalThis, dawn.globals as object);
  const gpu = (dawn.create as (flags: string[]) => GpuLike)([]);
  // Node 21+ defines a navigator without gpu; a getter-only global cannot be assigned, so define it.
  Object.defineProperty(globalThis, 'navigator', { value: { ...nav, gpu }, configurable: true, writable: true });
  return gpu;
}

/** Classifies an adapter from what it says of itself; the fields are empty strings where a browser hides them. */
export function describeWebgpuAdapter(info: AdapterInfoLike, isFallbackAdapter = false): WebgpuAdapterInfo {
  const parts = [info.vendor, info.device || info.description, info.architecture].filter((part) => part);
  const text = `${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  return {
    description: parts.join(', ') || 'unnamed adapter',
    software: isFallbackAdapter || info.isFallbackAdapter === true || /software|llvmpipe|lavapipe|swiftshader/i.test(text),
  };
}

/**
 * Finds a WebGPU adapter (navigator.gpu, or Dawn through the `webgpu` package in Node), loads
 * `@tensorflow/tfjs-backend-webgpu` and makes `webgpu` the active backend. Throws WebgpuUnavailableError when
 * there is no WebGPU or no adapter, and, unless `allowSoftware`, when the only adapter is a software one.
 */
export async function initWebgpuBackend(options: { allowSoftware?: boolean } = {}): Promise<WebgpuAdapterInfo> {
  const gpu = await webgpuEntryPoint();
  // The same preference tfjs-backend-webgpu asks for, so this is the adapter it will get.
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new WebgpuUnavailableError(
      'WebGPU found no adapter: it needs a GPU with Vulkan (Linux), Metal (macOS) or D3D12 (Windows) drivers, ' +
        "or a software Vulkan driver such as Mesa's lavapipe (Debian: mesa-vulkan-drivers >= 25 from bookworm-backports)",
      'no-adapter',
    );
  }
  const info = describeWebgpuAdapter(adapter.info ?? {}, adapter.isFallbackAdapter === true);
  if (info.software && !options.allowSoftware) {
    throw new WebgpuUnavailableError(
      `the only WebGPU adapter is a software one (${info.description}), far slower than wasm on the same CPU`,
      'no-adapter',
    );
  }
  // An optional peer: where it is missing, auto goes on to wasm and a named webgpu says what to install.
  if (!(await importOptional('@tensorflow/tfjs-backend-webgpu'))) {
    throw new WebgpuUnavailableError(
      `a WebGPU adapter is here (${info.description}) but @tensorflow/tfjs-backend-webgpu is not installed; npm install @tensorflow/tfjs-backend-webgpu`,
      'no-webgpu',
    );
  }
  if (!(await tf.setBackend('webgpu').catch(() => false))) {
    throw new WebgpuUnavailableError(`tfjs-backend-webgpu failed to start on ${info.description}`, 'no-adapter');
  }
  await tf.ready();
  return info;
}
