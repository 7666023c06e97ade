import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dawnAdapter, WEBGPU_REQUIRED } from '../__fixtures__/dawn.js';
import type * as Optional from './optional.js';
import { selectBackend } from './select.js';
import { describeWebgpuAdapter, initWebgpuBackend, WebgpuUnavailableError } from './webgpu.js';

// Whether the `webgpu` package is "installed" for the code under test; the real package stays importable here.
const packages = vi.hoisted(() => ({ webgpuInstalled: true, tfjsBackendWebgpuInstalled: true }));
vi.mock('./optional.js', async (original) => {
  const actual = await original<typeof Optional>();
  return {
    ...actual,
    // These tests are about webgpu's place in auto's order: torch, which comes first, is left out.
    importTorch: () =>
      Promise.reject(
        Object.assign(new Error('the torch backend is not available: left out by this test'), { code: 'MIXENT_TORCH_UNAVAILABLE' }),
      ),
    importOptional: (name: string) =>
      (name === 'webgpu' && !packages.webgpuInstalled) ||
      (name === '@tensorflow/tfjs-backend-webgpu' && !packages.tfjsBackendWebgpuInstalled)
        ? Promise.resolve(undefined)
        : actual.importOptional(name),
  };
});

// What adapters said of themselves: lavapipe as Dawn reports it on a GPU-less Debian machine (measured here);
// an H100 as Dawn reports it through Vulkan; SwiftShader, Chrome's software fallback.
const LAVAPIPE = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
};
const H100 = { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 80GB HBM3', description: 'NVIDIA: 580.65.06 580.65.6.0' };
const SWIFTSHADER = { vendor: 'google', architecture: '', device: 'swiftshader-device', description: 'SwiftShader Device (Subzero)' };

/** Installs a stand-in navigator.gpu whose only adapter says `info` of itself (none if null). */
function fakeNavigatorGpu(info: object | null): void {
  const gpu = { requestAdapter: () => Promise.resolve(info && { info }) };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

const originalNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
afterEach(() => {
  packages.webgpuInstalled = true;
  packages.tfjsBackendWebgpuInstalled = true;
  if (originalNavigator) Object.defineProperty(globalThis, 'navigator', originalNavigator);
  else delete (globalThis as { navigator?: unknown }).navigator;
});

describe('describeWebgpuAdapter', () => {
  it('tells software adapters from hardware ones', () => {
    expect(describeWebgpuAdapter(LAVAPIPE)).toEqual({ description: 'mesa, llvmpipe-llvm-15-0-6-256-bits-, software', software: true });
    expect(describeWebgpuAdapter(H100)).toEqual({ description: 'nvidia, NVIDIA H100 80GB HBM3, hopper', software: false });
    expect(describeWebgpuAdapter(SWIFTSHADER).software).toBe(true);
    expect(describeWebgpuAdapter({ vendor: 'intel' }, true).software).toBe(true);
    expect(describeWebgpuAdapter({ vendor: '', device: '', description: '' })).toEqual({ description: 'unnamed adapter', software: false });
  });
});

describe('initWebgpuBackend', () => {
  it('says to install the webgpu package where there is no navigator.gpu and no Dawn', async () => {
    delete (globalThis as { navigator?: unknown }).navigator;
    packages.webgpuInstalled = false;
    const error = (await initWebgpuBackend().catch((e: unknown) => e)) as WebgpuUnavailableError;
    expect(error).toBeInstanceOf(WebgpuUnavailableError);
    expect(error.reason).toBe('no-webgpu');
    expect(error.message).toMatch(/the `webgpu` package \(Dawn for Node\) is not installed; npm install webgpu/);
    await expect(selectBackend('webgpu')).rejects.toThrow(
      /^backend 'webgpu' is not available: .*npm install webgpu; or use --backend wasm$/,
    );
  });

  it('says to install tfjs-backend-webgpu where a GPU is found without it, and auto then falls through to wasm', async () => {
    fakeNavigatorGpu(H100);
    packages.tfjsBackendWebgpuInstalled = false;
    const error = (await initWebgpuBackend().catch((e: unknown) => e)) as WebgpuUnavailableError;
    expect(error).toBeInstanceOf(WebgpuUnavailableError);
    expect(error.reason).toBe('no-webgpu');
    expect(error.message).toBe(
      'a WebGPU adapter is here (nvidia, NVIDIA H100 80GB HBM3, hopper) but @tensorflow/tfjs-backend-webgpu is not installed; npm install @tensorflow/tfjs-backend-webgpu',
    );
    expect((await selectBackend('auto')).name).toBe('wasm');
  });

  it('says what is missing where WebGPU finds no adapter', async () => {
    fakeNavigatorGpu(null);
    await expect(initWebgpuBackend()).rejects.toThrow(/WebGPU found no adapter: .*Mesa's lavapipe \(Debian: mesa-vulkan-drivers >= 25/);
  });

  it('refuses a software adapter unless allowed, and auto then falls through to wasm', async () => {
    fakeNavigatorGpu(LAVAPIPE);
    await expect(initWebgpuBackend()).rejects.toThrow(/the only WebGPU adapter is a software one \(mesa, llvmpipe/);
    const info = await selectBackend('auto');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('runs on the adapter Dawn finds here, a software one when named explicitly', async () => {
    const adapter = await dawnAdapter();
    if (WEBGPU_REQUIRED) expect(adapter, 'MIXENT_REQUIRE_WEBGPU=1 but Dawn finds no adapter').toBeDefined();
    if (!adapter) {
      await expect(selectBackend('webgpu')).rejects.toThrow(/WebGPU found no adapter/);
      return;
    }
    const info = await selectBackend('webgpu');
    expect(info).toMatchObject({
      name: 'webgpu',
      package: '@tensorflow/tfjs-backend-webgpu',
      version: '4.22.0',
      software: adapter.software,
    });
    expect(info.description).toBe(`webgpu (${adapter.description}${adapter.software ? '; CPU-emulated, slow' : ''})`);
    expect(tf.getBackend()).toBe('webgpu');
    // A small computation, read back asynchronously (webgpu in Node has no synchronous read).
    const product = tf.matMul(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([[5], [6]]),
    );
    expect(Array.from(await product.data())).toEqual([17, 39]);
    tf.dispose(product);
  });
});
