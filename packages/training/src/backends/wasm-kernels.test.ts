import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// Registers the gradients of tfjs ops (tfjs-core alone does not).
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { WASM_KERNELS } from './wasm-kernels.js';
import { registerWasmKernels } from './wasm.js';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number;

/** Deterministic values in [-1, 1), the same on every backend. */
function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** Runs a kernel on one backend and returns its output values. */
async function runOn(
  backend: string,
  kernel: string,
  inputs: Record<string, () => tf.Tensor>,
  attrs: tf.NamedAttrMap,
): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const made = Object.fromEntries(Object.entries(inputs).map(([k, f]) => [k, f()]));
    const out = tf.engine().runKernel(kernel, made, attrs) as tf.Tensor;
    return { values: out.dataSync() as Float32Array, shape: out.shape };
  });
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] ?? Number.NaN) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  return diff / scale;
}

async function expectSameAsCpu(kernel: string, inputs: Record<string, () => tf.Tensor>, attrs: tf.NamedAttrMap, tolerance = 1e-4) {
  const cpu = await runOn('cpu', kernel, inputs, attrs);
  const wasm = await runOn('wasm', kernel, inputs, attrs);
  expect(wasm.shape).toEqual(cpu.shape);
  expect(relativeError(wasm.values, cpu.values)).toBeLessThan(tolerance);
}

/**
 * The filter gradient of a stride-1 'same' convolution by its definition, tap by tap, with the cpu backend's
 * matMul: dW[i, j] = Σ_{n, h, w} xPadded[n, h + i, w + j, :]ᵀ · dy[n, h, w, :]. The cpu backend's own
 * Conv2DBackpropFilter runs at ~0.01 GFLOP/s, too slow for VGG-5's sizes (~10 s for one 7×7×256 image).
 */
function filterGradientByTaps(x: tf.Tensor, dy: tf.Tensor, kh: number, kw: number): tf.Tensor {
  const [n = 0, h = 0, w = 0, cin = 0] = x.shape;
  const cout = dy.shape[3] ?? 0;
  const padded = tf.pad(x, [
    [0, 0],
    [(kh - 1) / 2, (kh - 1) / 2],
    [(kw - 1) / 2, (kw - 1) / 2],
    [0, 0],
  ]);
  const dy2 = tf.reshape(dy, [n * h * w, cout]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const shifted = tf.reshape(tf.slice(padded, [0, i, j, 0], [n, h, w, cin]), [n * h * w, cin]);
      taps.push(tf.matMul(shifted, dy2, true, false));
    }
  }
  return tf.reshape(tf.stack(taps), [kh, kw, cin, cout]);
}

/** Every distinct convolution of VGG-5 (stride 1, same, 3×3) at the model's sizes, batch 2. */
const VGG5_CONVOLUTIONS: [name: string, x: Shape4, filter: Shape4][] = [
  ['block1_conv1', [2, 28, 28, 1], [3, 3, 1, 64]],
  ['block1_conv2', [2, 28, 28, 64], [3, 3, 64, 64]],
  ['block2_conv1', [2, 14, 14, 64], [3, 3, 64, 128]],
  ['block2_conv2', [2, 14, 14, 128], [3, 3, 128, 128]],
  ['block3_conv1', [2, 7, 7, 128], [3, 3, 128, 256]],
  ['block3_conv2', [2, 7, 7, 256], [3, 3, 256, 256]],
  ['block4_conv1', [2, 3, 3, 256], [3, 3, 256, 256]],
];

/** Other batches and geometries, against the cpu backend's kernels. */
const CONVOLUTIONS: [name: string, x: Shape4, filter: Shape4, stride: number, pad: Pad][] = [
  ['batch 5, odd channels', [5, 9, 9, 3], [3, 3, 3, 7], 1, 'same'],
  ['valid padding, non-square', [2, 8, 9, 3], [3, 2, 3, 4], 1, 'valid'],
  ['explicit padding 2', [2, 6, 6, 3], [3, 3, 3, 4], 1, 2],
  ['5×5 filter', [2, 10, 10, 2], [5, 5, 2, 3], 1, 'same'],
  ['2×2 same: uneven padding', [2, 6, 7, 3], [2, 2, 3, 4], 1, 'same'],
  ['4×3 same: uneven padding', [2, 8, 6, 3], [4, 3, 3, 2], 1, 'same'],
  ['stride 2 same', [2, 9, 9, 4], [3, 3, 4, 5], 2, 'same'],
  ['stride 2 valid, cropped rows', [2, 7, 7, 4], [2, 2, 4, 5], 2, 'valid'],
];

describe('registerWasmKernels', () => {
  beforeAll(async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
  });

  it('registers its kernels for wasm, idempotently', () => {
    expect([...WASM_KERNELS]).toEqual([
      tf.Conv2DBackpropFilter,
      tf.Conv2DBackpropInput,
      tf.Tile,
      tf.OneHot,
      tf.Sum,
      tf.Mean,
      tf.MaxPoolGrad,
    ]);
    const registered = () => WASM_KERNELS.map((k) => tf.getKernel(k, 'wasm'));
    const first = registered();
    registerWasmKernels();
    const second = registered();
    first.forEach((config, i) => {
      expect(config?.kernelFunc).toBeTypeOf('function');
      expect(second[i]?.kernelFunc).toBe(config?.kernelFunc);
    });
    // The replaced stock kernels keep their setupFunc (their fallbacks call the C++ functions it binds).
    expect(tf.getKernel(tf.Conv2DBackpropInput, 'wasm').setupFunc).toBeTypeOf('function');
    for (const kernel of [tf.Tile, tf.Sum, tf.Mean, tf.MaxPoolGrad]) {
      expect(tf.getKernel(kernel, 'wasm').setupFunc).toBeTypeOf('function');
    }
  });

  describe.each([tf.Sum, tf.Mean])('%s', (kernel) => {
    // The fast path: float32, rank 4, over the axes [0, 1, 2] in any spelling.
    it.each([
      [
        [4, 7, 7, 16],
        [0, 1, 2],
      ],
      [
        [100, 28, 28, 8],
        [2, 0, 1],
      ],
      [
        [3, 5, 9, 1],
        [-4, -3, -2],
      ],
    ])('over the leading axes of %j (axes %j) matches the cpu backend', async (shape, axis) => {
      for (const keepDims of [false, true]) {
        await expectSameAsCpu(kernel, { x: () => tf.add(random(shape, 1), 0.25) }, { axis, keepDims }, 1e-6);
      }
    });

    // Everything else goes to the stock kernel, which must still be reachable.
    it.each([
      [
        [4, 7, 7, 16],
        [1, 2],
      ],
      [
        [4, 7, 7, 16],
        [0, 1, 2, 3],
      ],
      [
        [4, 1, 1, 16],
        [0, 1, 2],
      ],
      [[8, 5], [0]],
      [[6], [0]],
    ])('on %j over axes %j (the stock kernel) matches the cpu backend', async (shape, axis) => {
      await expectSameAsCpu(kernel, { x: () => random(shape, 2) }, { axis, keepDims: false });
    });
  });

  it('Sum of int32 (the stock kernel) matches the cpu backend', async () => {
    const x = () => tf.cast(tf.mul(random([2, 3, 3, 4], 3), 100), 'int32');
    const cpu = await runOn('cpu', tf.Sum, { x }, { axis: [0, 1, 2], keepDims: false });
    const wasm = await runOn('wasm', tf.Sum, { x }, { axis: [0, 1, 2], keepDims: false });
    expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values));
  });

  describe('MaxPoolGrad', () => {
    /** dy, the pooled input (half of it zeros, as after a ReLU: ties within a window) and its MaxPool output. */
    const poolCase = (xShape: Shape4, filterSize: [number, number], strides: [number, number], pad: Pad) => {
      const input = () => tf.relu(random(xShape, 4));
      const output = () => tf.maxPool(input() as tf.Tensor4D, filterSize, strides, pad);
      const dy = () => random(output().shape, 5);
      return { inputs: { dy, input, output }, attrs: { filterSize, strides, pad } };
    };

    it.each([
      ['VGG-5 block 1', [2, 28, 28, 8], [2, 2], [2, 2], 'valid'],
      ['odd size, valid', [2, 7, 7, 16], [2, 2], [2, 2], 'valid'],
      ['odd size, same', [2, 7, 7, 16], [2, 2], [2, 2], 'same'],
      ['overlapping 3×3, stride 2', [2, 9, 9, 4], [3, 3], [2, 2], 'valid'],
      ['3×3, stride 1, same', [1, 6, 5, 3], [3, 3], [1, 1], 'same'],
      ['2×3, strides 2 and 1, same', [1, 6, 6, 2], [2, 3], [2, 1], 'same'],
    ] as [string, Shape4, [number, number], [number, number], Pad][])(
      '%s: x %j, filter %j, stride %j, pad %s matches the cpu backend, ties included',
      async (_name, xShape, filterSize, strides, pad) => {
        const { inputs, attrs } = poolCase(xShape, filterSize, strides, pad);
        const cpu = await runOn('cpu', tf.MaxPoolGrad, inputs, attrs);
        const wasm = await runOn('wasm', tf.MaxPoolGrad, inputs, attrs);
        expect(wasm.shape).toEqual(xShape);
        // A gradient routed to the wrong input is an error of order 1; overlapping windows add in another order.
        expect(relativeError(wasm.values, cpu.values)).toBeLessThan(1e-6);
      },
    );
  });

  it('OneHot honours float32 and fractional on/off values, as the cpu backend does', async () => {
    // The stock wasm kernel writes int32 bits into a float32 tensor: 1 read back as 1.4e-45.
    const indices = () => tf.tensor1d([0, 3, 1, 7, -1], 'int32');
    for (const [dtype, on, off] of [
      ['float32', 1, 0],
      ['float32', Math.log1p(1e-6), Math.log(1e-6)],
      ['int32', 1, 0],
      ['int32', 5, -2],
    ] as const) {
      const attrs = { dtype, depth: 4, onValue: on, offValue: off };
      const cpu = await runOn('cpu', tf.OneHot, { indices }, attrs);
      const wasm = await runOn('wasm', tf.OneHot, { indices }, attrs);
      expect(wasm.shape).toEqual([5, 4]);
      expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values));
    }
    await tf.setBackend('wasm');
    expect(Array.from(tf.oneHot(tf.tensor1d([2], 'int32'), 3, 1, 0, 'float32').dataSync())).toEqual([0, 0, 1]);
  });

  describe.each(VGG5_CONVOLUTIONS)('VGG-5 %s: x %j, filter %j', (_name, xShape, filterShape) => {
    const x = () => random(xShape, 1);
    const dy = () => random([...xShape.slice(0, 3), filterShape[3]], 2);
    const filter = () => random(filterShape, 3);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' } as const;

    it('Conv2DBackpropFilter matches the definition computed on the cpu backend', async () => {
      await tf.setBackend('cpu');
      const expected = tf.tidy(() => filterGradientByTaps(x(), dy(), 3, 3).dataSync());
      const actual = await runOn('wasm', tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape });
      expect(actual.shape).toEqual(filterShape);
      expect(relativeError(actual.values, expected)).toBeLessThan(1e-4);
    });

    it('Conv2DBackpropInput matches the cpu backend', async () => {
      await expectSameAsCpu(tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: xShape });
    });
  });

  it('computes by taps what the cpu backend computes (the reference above is right)', async () => {
    const [x, dy] = [() => random([3, 9, 9, 5], 1), () => random([3, 9, 9, 6], 2)];
    const byKernel = await runOn(
      'cpu',
      tf.Conv2DBackpropFilter,
      { x, dy },
      {
        strides: 1,
        pad: 'same',
        dataFormat: 'NHWC',
        filterShape: [3, 3, 5, 6],
      },
    );
    const byTaps = tf.tidy(() => filterGradientByTaps(x(), dy(), 3, 3).dataSync());
    expect(relativeError(byTaps, byKernel.values)).toBeLessThan(1e-5);
  });

  describe.each(CONVOLUTIONS)('%s: x %j, filter %j, stride %i, pad %s', (_name, xShape, filterShape, strides, pad) => {
    const outShape = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad).outShape;
    const x = () => random(xShape, 1);
    const dy = () => random(outShape, 2);
    const filter = () => random(filterShape, 3);

    it('Conv2DBackpropFilter matches the cpu backend', async () => {
      await expectSameAsCpu(tf.Conv2DBackpropFilter, { x, dy }, { strides, pad, dataFormat: 'NHWC', filterShape });
    });

    it('Conv2DBackpropInput matches the cpu backend', async () => {
      await expectSameAsCpu(tf.Conv2DBackpropInput, { dy, filter }, { strides, pad, dataFormat: 'NHWC', inputShape: xShape });
    });
  });

  it('Conv2DBackpropFilter handles NCHW like the cpu backend', async () => {
    const nchw = (s: Shape4): Shape4 => [s[0], s[3], s[1], s[2]];
    await expectSameAsCpu(
      tf.Conv2DBackpropFilter,
      { x: () => random(nchw([2, 9, 9, 3]), 1), dy: () => random(nchw([2, 9, 9, 4]), 2) },
      { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] },
    );
  });

  it.each([
    ['BatchNorm gradient broadcast', [1, 1, 1, 64], [4, 28, 28, 1]],
    ['rank 2 broadcast', [1, 5], [7, 1]],
    ['no-op', [3, 4], [1, 1]],
    ['real repetition (stock kernel)', [2, 3], [2, 3]],
    ['inner repetition (stock kernel)', [3, 1, 2], [1, 4, 1]],
  ])('Tile matches the cpu backend: %s', async (_name, shape, reps) => {
    await expectSameAsCpu(tf.Tile, { x: () => random(shape, 4) }, { reps });
    await expectSameAsCpu(tf.Tile, { x: () => tf.cast(tf.mul(random(shape, 5), 100), 'int32') }, { reps });
  });

  it('gives the gradients of a fused conv + bias + relu (as tfjs-layers builds it) that the cpu backend gives', async () => {
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = random([3, 14, 14, 8], 1);
        const f = (w: tf.Tensor, b: tf.Tensor) =>
          tf.sum(
            tf.square(
              tf.fused.conv2d({
                x: x as tf.Tensor4D,
                filter: w as tf.Tensor4D,
                strides: 1,
                pad: 'same',
                bias: b,
                activation: 'relu',
              }),
            ),
          );
        return tf
          .grads(f)([random([3, 3, 8, 16], 2), random([16], 3)])
          .map((g) => g.dataSync());
      });
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    cpu.forEach((g, i) => expect(relativeError(wasm[i] ?? [], g)).toBeLessThan(1e-4));
  });

  it('leaks no tensor, on the engine or in the wasm backend', async () => {
    await tf.setBackend('wasm');
    const x = random([4, 14, 14, 8], 1);
    const dy = random([4, 14, 14, 16], 2);
    const w = random([3, 3, 8, 16], 3);
    const c = random([1, 1, 1, 16], 4);
    const once = () =>
      tf.tidy(() => {
        const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' } as const;
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: [3, 3, 8, 16] });
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { ...attrs, inputShape: [4, 14, 14, 8] });
        tf.engine().runKernel(
          tf.Conv2DBackpropFilter,
          { x, dy: random([4, 7, 7, 16], 5) },
          {
            ...attrs,
            strides: 2,
            pad: 'valid',
            filterShape: [2, 2, 8, 16],
          },
        );
        tf.tile(c, [4, 14, 14, 1]);
        tf.sum(x, [0, 1, 2]);
        tf.mean(dy, [0, 1, 2], true);
        tf.engine().runKernel(
          tf.MaxPoolGrad,
          { dy: random([4, 7, 7, 8], 6), input: x, output: tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid') },
          { filterSize: 2, strides: 2, pad: 'valid' },
        );
      });
    once();
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    for (let i = 0; i < 20; i++) once();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    tf.dispose([x, dy, w, c]);
  });
});
