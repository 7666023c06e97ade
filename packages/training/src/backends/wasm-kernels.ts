import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertTestedTfjsRelease } from '../tfjs-internals.js';

/*
 * Kernels of the backward pass that tfjs-backend-wasm lacks or runs slowly, built from the backend's own fast
 * kernels (its XNNPACK convolution, Transpose, Reverse, Slice) or plain copies on its heap. A training step of
 * VGG-5 or Spinal-VGG needs one kernel wasm does not have, `Conv2DBackpropFilter`. `Conv2DBackpropInput`, `Tile`
 * (the BatchNorm gradient's broadcast), `Sum` and `Mean` over NHWC's leading axes and `MaxPoolGrad` work but
 * dominated a step's profile (BENCHMARKS.md); `OneHot` ignores its dtype, so every loss of @mixent/losses read
 * garbage. Each is replaced on the paths these models take and falls back to the stock kernel elsewhere. They
 * reach into the backend's heap, so they are registered only on the tfjs release they were tested with.
 */

type TensorInfo = tf.TensorInfo;
type Perm = [number, number, number, number];
type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/** Marks our kernel functions, across module instances, so registration can tell them from stock ones. */
const MARK = Symbol.for('@mixent/training/wasm-gradient-kernel');

/** The kernels `registerWasmKernels` installs for the `wasm` backend. */
export const WASM_KERNELS = Object.freeze([
  tf.Conv2DBackpropFilter,
  tf.Conv2DBackpropInput,
  tf.Tile,
  tf.OneHot,
  tf.Sum,
  tf.Mean,
  tf.MaxPoolGrad,
] as const);

/** Runs a stock wasm kernel; our kernels are compositions of these. */
function run(name: string, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, temps: TensorInfo[]): TensorInfo {
  const out = tf.getKernel(name, 'wasm').kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${name}: expected one output`);
  temps.push(out);
  return out;
}

/**
 * Runs `body` with a list that collects every intermediate it makes, then frees all of them but the result.
 * Kernels work on raw TensorInfos, outside `tf.tidy`, so they must free their own intermediates.
 */
function withTemps(backend: BackendWasm, body: (temps: TensorInfo[]) => TensorInfo): TensorInfo {
  const temps: TensorInfo[] = [];
  let result: TensorInfo | undefined;
  try {
    result = body(temps);
    return result;
  } finally {
    for (const t of temps) if (t !== result) backend.disposeData(t.dataId);
  }
}

/** Forward convolution by the wasm backend's XNNPACK kernel, with explicit padding. */
function conv2d(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  dilations: [number, number],
  pad: ExplicitPad,
  temps: TensorInfo[],
): TensorInfo {
  const attrs = { strides: 1, dilations, pad, dataFormat: 'NHWC', dimRoundingMode: 'floor' };
  return run(tf.Conv2D, backend, { x, filter }, attrs, temps);
}

function transpose(backend: BackendWasm, x: TensorInfo, perm: Perm, temps: TensorInfo[]): TensorInfo {
  return run(tf.Transpose, backend, { x }, { perm }, temps);
}

function shape4(t: TensorInfo): [number, number, number, number] {
  const [a = 0, b = 0, c = 0, d = 0] = t.shape;
  return [a, b, c, d];
}

/**
 * dW[i, j, ci, co] = Σ_{n, oh, ow} x[n, oh·s + i − top, ow·s + j − left, ci] · dy[n, oh, ow, co].
 * That is a stride-1 convolution of x laid out as [Cin, H, W, N] (input channels as the batch, the batch as
 * channels) with dy laid out as [OH, OW, N, Cout] as the filter, dilated by the forward stride: its output
 * [Cin, kh, kw, Cout] transposes to the filter's [kh, kw, Cin, Cout]. One GEMM-backed call instead of a loop.
 */
const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { x, dy } = inputs as tf.Conv2DBackpropFilterInputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter: needs x and dy');
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(shape4(x), filterShape, strides, 1, pad, dimRoundingMode, false, format);
  const { filterHeight, filterWidth, strideHeight, strideWidth, inHeight, inWidth, outHeight, outWidth } = info;
  const channelsLast = info.dataFormat === 'channelsLast';
  return withTemps(backend, (temps) => {
    let xT = transpose(backend, x, channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0], temps);
    const dyT = transpose(backend, dy, channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1], temps);
    const { top, left } = info.padInfo;
    const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
    const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;
    if (bottom < 0 || right < 0) {
      // Rows or columns past the last window (e.g. 'valid', stride 2, odd size) never reach dy: crop them.
      const [c, h, w, n] = shape4(xT);
      const size = [c, h + Math.min(bottom, 0), w + Math.min(right, 0), n];
      xT = run(tf.Slice, backend, { x: xT }, { begin: [0, 0, 0, 0], size }, temps);
    }
    const explicit: ExplicitPad = [
      [0, 0],
      [top, Math.max(bottom, 0)],
      [left, Math.max(right, 0)],
      [0, 0],
    ];
    const dwT = conv2d(backend, xT, dyT, [strideHeight, strideWidth], explicit, temps);
    return transpose(backend, dwT, [1, 2, 0, 3], temps);
  });
};

/**
 * For stride 1: dx = conv2d(dy, W'), W'[i, j, co, ci] = W[kh−1−i, kw−1−j, ci, co] (flipped and transposed),
 * padded by kh−1−top above and whatever makes the output H×W below. Strided or NCHW calls go to the stock
 * kernel, which handles every case (none of them occurs in VGG-5 or Spinal-VGG).
 */
function makeConv2DBackpropInput(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as tf.Conv2DBackpropInputInputs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (dy === undefined || filter === undefined) throw new Error('Conv2DBackpropInput: needs dy and filter');
    const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
    const info = tf.backend_util.computeConv2DInfo(inputShape, shape4(filter), strides, 1, pad, dimRoundingMode, false, format);
    const { filterHeight, filterWidth, inHeight, inWidth } = info;
    const [, outHeight = 0, outWidth = 0] = dy.shape;
    const top = filterHeight - 1 - info.padInfo.top;
    const left = filterWidth - 1 - info.padInfo.left;
    const bottom = inHeight - 1 + filterHeight - outHeight - top;
    const right = inWidth - 1 + filterWidth - outWidth - left;
    const fast =
      info.strideHeight === 1 && info.strideWidth === 1 && info.dataFormat === 'channelsLast' && Math.min(top, left, bottom, right) >= 0;
    if (!fast) return stock(args);
    return withTemps(backend, (temps) => {
      const flipped = run(tf.Reverse, backend, { x: filter }, { dims: [0, 1] }, temps);
      const w = transpose(backend, flipped, [0, 1, 3, 2], temps);
      const explicit: ExplicitPad = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      return conv2d(backend, dy, w, [1, 1], explicit, temps);
    });
  };
}

/**
 * Tile whose output is x's whole buffer repeated (every repeated axis comes before x's first axis longer than 1,
 * as in the BatchNorm gradient): one copy, then doubling copies within the heap. Other tiles go to the stock kernel.
 */
function makeTile(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as tf.TileInputs;
    const { reps } = args.attrs as unknown as tf.TileAttrs;
    if (x === undefined) throw new Error('Tile: needs x');
    const firstLong = x.shape.findIndex((d) => d !== 1);
    const repeatsWhole = reps.every((r, i) => r === 1 || firstLong === -1 || i < firstLong);
    if (!repeatsWhole || x.dtype === 'string') return stock(args);
    const out = backend.makeOutput(
      x.shape.map((d, i) => d * (reps[i] ?? 1)),
      x.dtype,
    );
    // Views after makeOutput: allocating may grow the wasm memory and detach older views.
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    if (dst.length === 0) return out;
    dst.set(src);
    for (let filled = src.length; filled < dst.length; filled *= 2) {
      dst.copyWithin(filled, 0, Math.min(filled, dst.length - filled));
    }
    return out;
  };
}

/**
 * OneHot that honours its dtype: the stock wasm kernel (4.22) always writes int32 values, so a
 * float32 one-hot reads as denormals (1 → 1.4e-45) and fractional on/off values are truncated.
 * Integer int32 one-hots go to the stock kernel; the rest are filled here.
 */
function makeOneHot(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { indices } = args.inputs as tf.OneHotInputs;
    const { dtype, depth, onValue, offValue } = args.attrs as unknown as tf.OneHotAttrs;
    if (indices === undefined) throw new Error('OneHot: needs indices');
    if (dtype === 'int32' && Number.isInteger(onValue) && Number.isInteger(offValue)) return stock(args);
    const out = backend.makeOutput([...indices.shape, depth], dtype);
    // Views after makeOutput: allocating may grow the wasm memory and detach older views.
    const index = backend.typedArrayFromHeap(indices);
    const values = backend.typedArrayFromHeap(out);
    values.fill(offValue);
    for (let i = 0; i < index.length; i++) {
      const k = index[i] as number;
      if (k >= 0 && k < depth) values[i * depth + k] = onValue;
    }
    return out;
  };
}

/**
 * Sum or Mean of a float32 NHWC tensor over its leading axes [0, 1, 2], per channel: BatchNorm's statistics and
 * its gradients. The stock kernels transpose the whole tensor to put the channels first, then reduce. Here
 * XNNPACK's average pooling, with the whole image as its window, takes each image's channel means in place
 * (vectorized across channels, threaded across images), and the stock kernel reduces the small [N, 1, 1, C]
 * result; a Sum then scales by H·W. Summing image by image is also the more accurate order (the tests compare
 * both with float64). Other reductions go to the stock kernel.
 */
function makeLeadingAxesReduction(stock: tf.KernelFunc, kind: 'Sum' | 'Mean'): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as tf.SumInputs;
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    if (x === undefined) throw new Error(`${kind}: needs x`);
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const [, height, width] = shape4(x);
    const leading = x.shape.length === 4 && axes.length === 3 && [0, 1, 2].every((a) => axes.includes(a));
    if (!leading || x.dtype !== 'float32' || height * width === 1) return stock(args);
    return withTemps(backend, (temps) => {
      const poolAttrs = { filterSize: [height, width], strides: [height, width], pad: 'valid', dimRoundingMode: 'floor' };
      const means = run(tf.AvgPool, backend, { x }, poolAttrs, temps);
      const out = stock({ inputs: { x: means }, backend, attrs: { axis: [0, 1, 2], keepDims } }) as TensorInfo;
      temps.push(out);
      if (kind === 'Sum') {
        const values = backend.typedArrayFromHeap(out);
        for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * height * width;
      }
      return out;
    });
  };
}

/**
 * MaxPoolGrad as a loop over the pooling windows on the heap: each window's gradient goes to its first largest
 * input (the cpu backend's rule, `>` in row-major window order), added, so overlapping windows work too, and faster
 * than the stock kernel's generic loop. Non-float32 inputs go to the stock kernel.
 */
function makeMaxPoolGrad(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, input } = args.inputs as tf.MaxPoolGradInputs;
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
    if (dy === undefined || input === undefined) throw new Error('MaxPoolGrad: needs dy and input');
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') return stock(args);
    const info = tf.backend_util.computePool2DInfo(shape4(input), filterSize, strides, 1, pad, dimRoundingMode);
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
    const { top, left } = info.padInfo;
    const out = backend.makeOutput(input.shape, 'float32');
    // Views after makeOutput: allocating may grow the wasm memory and detach older views.
    const x = backend.typedArrayFromHeap(input) as Float32Array;
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    dx.fill(0);
    for (let n = 0; n < batchSize; n++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const r0 = Math.max(0, oh * strideHeight - top);
        const r1 = Math.min(inHeight, oh * strideHeight - top + filterHeight);
        for (let ow = 0; ow < outWidth; ow++) {
          const c0 = Math.max(0, ow * strideWidth - left);
          const c1 = Math.min(inWidth, ow * strideWidth - left + filterWidth);
          const dyBase = ((n * outHeight + oh) * outWidth + ow) * channels;
          for (let ch = 0; ch < channels; ch++) {
            let best = Number.NEGATIVE_INFINITY;
            let at = -1;
            for (let r = r0; r < r1; r++) {
              for (let c = c0; c < c1; c++) {
                const i = ((n * inHeight + r) * inWidth + c) * channels + ch;
                const v = x[i] as number;
                if (v > best) {
                  best = v;
                  at = i;
                }
              }
            }
            if (at >= 0) dx[at] = (dx[at] as number) + (g[dyBase + ch] as number);
          }
        }
      }
    }
    return out;
  };
}

/** How each kernel is made from the stock one it replaces (absent for `Conv2DBackpropFilter`). */
const MAKERS: Readonly<Record<(typeof WASM_KERNELS)[number], (stock: tf.KernelFunc | undefined) => tf.KernelFunc>> = {
  [tf.Conv2DBackpropFilter]: () => conv2DBackpropFilter,
  [tf.Conv2DBackpropInput]: (stock) => makeConv2DBackpropInput(required(stock, tf.Conv2DBackpropInput)),
  [tf.Tile]: (stock) => makeTile(required(stock, tf.Tile)),
  [tf.OneHot]: (stock) => makeOneHot(required(stock, tf.OneHot)),
  [tf.Sum]: (stock) => makeLeadingAxesReduction(required(stock, tf.Sum), 'Sum'),
  [tf.Mean]: (stock) => makeLeadingAxesReduction(required(stock, tf.Mean), 'Mean'),
  [tf.MaxPoolGrad]: (stock) => makeMaxPoolGrad(required(stock, tf.MaxPoolGrad)),
};

function required(stock: tf.KernelFunc | undefined, name: string): tf.KernelFunc {
  if (stock === undefined) {
    throw new Error(`registerWasmKernels: wasm kernel ${name} missing; import '@tensorflow/tfjs-backend-wasm' first`);
  }
  return stock;
}

/**
 * What `registerWasmKernels` does, for the wasm backend of version `wasmVersion`: Node reads the version from the
 * installed package.json (backends/wasm.ts), a browser bundle from the backend's own `version_wasm`
 * (backends/wasm-browser.ts).
 */
export function installWasmKernels(wasmVersion: string): void {
  assertTestedTfjsRelease('@tensorflow/tfjs-backend-wasm', wasmVersion, 'registerWasmKernels');
  if (tf.getKernelsForBackend('wasm').every((k) => k.kernelName !== tf.Conv2D)) {
    throw new Error("registerWasmKernels: the wasm backend is not loaded; import '@tensorflow/tfjs-backend-wasm' first");
  }
  for (const name of WASM_KERNELS) {
    const current = tf.getKernelsForBackend('wasm').find((k) => k.kernelName === name);
    if (current !== undefined && MARK in current.kernelFunc) continue;
    const made = MAKERS[name](current?.kernelFunc);
    // A fresh function each time, so marking never touches a function registered before.
    const kernelFunc: tf.KernelFunc = (args) => made(args);
    Object.defineProperty(kernelFunc, MARK, { value: true });
    if (current !== undefined) tf.unregisterKernel(name, 'wasm');
    // Keep the stock setupFunc: it binds the C++ function the fallback calls; without it the backend crashes.
    tf.registerKernel({ ...current, kernelName: name, backendName: 'wasm', kernelFunc });
  }
}
