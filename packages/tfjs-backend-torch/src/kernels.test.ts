import '@tensorflow/tfjs-backend-cpu';
// Registers the gradients of tfjs' ops (tfjs-core's main entry does not).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchedKernels, loadTorch } from './testing.test-util.js';

/**
 * Every native kernel against tfjs' cpu backend on the same seeded random inputs: broadcasting shapes, odd sizes,
 * each padding mode, strides, dilations, ties, NaN and infinities, int32 and bool where tfjs uses them, and the
 * gradients of the layers. A last test checks that these cases reach every native kernel.
 */

const torch = await loadTorch();

let seed = 1;
/** A seeded random tensor, the same on every backend (tfjs draws it in JavaScript). */
const uniform = (shape: number[], lo = -2, hi = 2) => tf.randomUniform(shape, lo, hi, 'float32', seed++);
const ints = (shape: number[], lo = -5, hi = 6) => tf.randomUniform(shape, lo, hi, 'int32', seed++);
const bools = (shape: number[]) => tf.greater(uniform(shape), 0);
/** Integer-valued floats, so that pooling windows hold ties. */
const tied = (shape: number[]) => tf.cast(ints(shape, 0, 3), 'float32');
const special = () => tf.tensor1d([0, -1.5, 2.25, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.5, 7]);
/** The gradients of sum(f(x, ...) * weights) with respect to every input, with fixed random weights. */
const gradients = (f: (...xs: tf.Tensor[]) => tf.Tensor, ...xs: tf.Tensor[]) =>
  tf.grads((...inputs: tf.Tensor[]) => {
    const y = f(...inputs);
    return tf.sum(tf.mul(y, tf.randomUniform(y.shape, -1, 1, 'float32', 99)));
  })(xs);

type Case = [name: string, fn: () => tf.Tensor | tf.Tensor[], tolerance?: number];

const conv = (pad: 'same' | 'valid', stride: number, dilation = 1, xShape = [2, 7, 6, 3], filterShape = [3, 3, 3, 4]): Case[] => {
  const label = `${pad}, stride ${stride}, dilation ${dilation}, x ${xShape.join('x')}, filter ${filterShape.join('x')}`;
  return [
    [
      `conv2d ${label}`,
      () => tf.conv2d(uniform(xShape) as tf.Tensor4D, uniform(filterShape) as tf.Tensor4D, stride, pad, 'NHWC', dilation),
      1e-4,
    ],
    ...(dilation === 1
      ? ([
          [
            `conv2d gradients ${label}`,
            () => gradients((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad), uniform(xShape), uniform(filterShape)),
            1e-4,
          ],
        ] as Case[])
      : []),
  ];
};

const CASES: Case[] = [
  // element-wise, one input
  ...(
    [
      ['acos', -0.9, 0.9],
      ['asin', -0.9, 0.9],
      ['atan', -3, 3],
      ['cos', -3, 3],
      ['cosh', -3, 3],
      ['elu', -3, 3],
      ['erf', -2, 2],
      ['exp', -5, 5],
      ['expm1', -2, 2],
      ['log', 0.1, 5],
      ['log1p', -0.5, 5],
      ['reciprocal', 0.5, 3],
      ['rsqrt', 0.1, 4],
      ['selu', -3, 3],
      ['sigmoid', -6, 6],
      ['sin', -3, 3],
      ['sinh', -3, 3],
      ['softplus', -20, 25],
      ['sqrt', 0, 4],
      ['tan', -1.2, 1.2],
      ['tanh', -3, 3],
      ['abs', -3, 3],
      ['neg', -3, 3],
      ['onesLike', -1, 1],
      ['zerosLike', -1, 1],
      ['relu', -3, 3],
      ['relu6', -3, 9],
      ['sign', -3, 3],
      ['square', -3, 3],
      ['clone', -3, 3],
      ['ceil', -3, 3],
      ['floor', -3, 3],
      ['round', -3, 3],
    ] as const
  ).map(([op, lo, hi]): Case => [op, () => (tf[op] as (x: tf.Tensor) => tf.Tensor)(uniform([3, 5, 2], lo, hi))]),
  ['int32 abs, neg, sign, square, relu', () => [tf.abs, tf.neg, tf.sign, tf.square, tf.relu].map((f) => f(ints([4, 3])))],
  [
    'isFinite, isInf, isNaN and logicalNot',
    () => [tf.isFinite(special()), tf.isInf(special()), tf.isNaN(special()), tf.logicalNot(bools([3, 4]))],
  ],
  [
    'NaN and infinities through exp, relu, sigmoid and step',
    () => [tf.exp(special()), tf.relu(special()), tf.sigmoid(special()), tf.step(special(), 0.25)],
  ],
  [
    'step, leakyRelu and clipByValue',
    () => [tf.step(uniform([4, 5]), 0.3), tf.leakyRelu(uniform([4, 5]), 0.15), tf.clipByValue(uniform([4, 5]), -0.5, 0.75)],
  ],
  [
    'cast float32 to int32 truncates; int32 to bool; bool to float32',
    () => [tf.cast(uniform([3, 4], -5, 5), 'int32'), tf.cast(ints([6]), 'bool'), tf.cast(bools([5]), 'float32')],
  ],
  // element-wise, two inputs, broadcasting
  ...(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'squaredDifference', 'atan2', 'prelu'] as const).map((op): Case => [
    `${op} broadcasting [3,1,4] with [5,1]`,
    () => (tf[op] as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(uniform([3, 1, 4]), uniform([5, 1])),
  ]),
  [
    'floorDiv and mod, float32 and int32, negative operands',
    () => [
      tf.floorDiv(uniform([4, 3], -5, 5), uniform([3], 0.5, 2)),
      tf.floorDiv(ints([4, 3]), tf.tensor1d([2, -3, 4], 'int32')),
      tf.mod(uniform([4, 3], -5, 5), tf.tensor1d([1.5, -2, 3])),
      tf.mod(ints([4, 3]), tf.tensor1d([2, -3, 4], 'int32')),
    ],
  ],
  ['pow, float32', () => tf.pow(uniform([4, 3], 0.1, 3), uniform([3], -2, 2))],
  ...(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const).map((op): Case => [
    `${op}, int32 and float32`,
    () => [
      (tf[op] as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(ints([4, 3], -2, 3), ints([3], -2, 3)),
      (tf[op] as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(tied([2, 3]), tied([3])),
    ],
  ]),
  ['logicalAnd and logicalOr', () => [tf.logicalAnd(bools([3, 4]), bools([4])), tf.logicalOr(bools([3, 4]), bools([3, 1]))]],
  ['addN', () => tf.addN([uniform([3, 4]), uniform([3, 4]), uniform([3, 4]), uniform([3, 4])])],
  ['the gradient of elu (EluGrad)', () => gradients((x) => tf.elu(x), uniform([4, 5]))],
  // reductions
  [
    'sum over axes, kept or not; over none; of int32 and bool',
    () => [
      tf.sum(uniform([3, 4, 5]), [0, 2], true),
      tf.sum(uniform([3, 4, 5]), -1),
      tf.sum(uniform([3, 4])),
      tf.sum(uniform([3, 4]), []),
      tf.sum(ints([3, 4]), 0),
      tf.sum(bools([3, 4]), 1),
    ],
  ],
  [
    'mean, max, min, prod',
    () => [
      tf.mean(uniform([3, 4, 5]), [1, 2]),
      tf.mean(ints([3, 4]), 1),
      tf.max(uniform([3, 4, 5]), 1, true),
      tf.min(uniform([3, 4, 5]), [0, 1]),
      tf.prod(uniform([3, 4], 0.5, 1.5), 1),
      tf.prod(ints([3, 4], -2, 3), [0, 1]),
    ],
  ],
  ['all and any', () => [tf.all(bools([3, 4, 2]), [0, 2]), tf.any(bools([3, 4, 2]), 1), tf.all(bools([5]))]],
  [
    'argMax and argMin, with ties (the first wins)',
    () => [tf.argMax(tied([4, 6]), 1), tf.argMin(tied([4, 6]), 0), tf.argMax(uniform([2, 3, 4]), -1)],
  ],
  // shapes and data movement
  ['reshape, with an inferred size', () => tf.reshape(uniform([3, 4, 2]), [-1, 6])],
  ['slice, with a -1 size, of float32 and int32', () => [tf.slice(uniform([4, 5, 3]), [1, 0, 1], [2, -1, 2]), tf.slice(ints([6]), 2)]],
  [
    'concat along an inner axis, with an empty input, and of int32',
    () => [tf.concat([uniform([2, 3]), uniform([2, 0]), uniform([2, 4])], 1), tf.concat([ints([2]), ints([3])])],
  ],
  ['stack and unstack', () => [tf.stack([uniform([2, 3]), uniform([2, 3])], -1), ...tf.unstack(uniform([2, 3, 4]), 1)]],
  ['split by sizes and by count', () => [...tf.split(uniform([3, 5]), [2, 3], 1), ...tf.split(uniform([4, 2]), 2, 0)]],
  [
    'tile, transpose, reverse',
    () => [
      tf.tile(uniform([2, 3]), [2, 3]),
      tf.transpose(uniform([2, 3, 4]), [2, 0, 1]),
      tf.reverse(uniform([2, 3, 4]), [0, 2]),
      tf.reverse(uniform([3])),
    ],
  ],
  [
    'pad with a value',
    () =>
      tf.pad(
        uniform([2, 3]),
        [
          [1, 2],
          [0, 3],
        ],
        1.5,
      ),
  ],
  [
    'oneHot, indices out of range give a row of off',
    () => [
      tf.oneHot(tf.tensor1d([0, 3, -1, 5, 2], 'int32'), 4),
      tf.oneHot(
        tf.tensor2d(
          [
            [1, 0],
            [2, 9],
          ],
          [2, 2],
          'int32',
        ),
        3,
        2,
        -1,
      ),
    ],
  ],
  [
    'where, broadcasting the condition',
    () => [tf.where(bools([3, 1]), uniform([3, 4]), uniform([4])), tf.where(bools([3, 4]), ints([3, 4]), ints([3, 4]))],
  ],
  ['gather along an inner axis', () => tf.gather(uniform([3, 5, 2]), tf.tensor1d([4, 0, 0, 2], 'int32'), 1)],
  ['softmax', () => tf.softmax(uniform([4, 7], -10, 10))],
  // convolutions: each padding mode, strides, a dilation, an asymmetric 'same'
  ...conv('same', 1),
  ...conv('valid', 1),
  ...conv('valid', 2),
  ...conv('same', 2, 1, [2, 8, 6, 3], [3, 3, 3, 4]),
  ...conv('same', 1, 1, [1, 6, 5, 2], [2, 2, 2, 3]),
  ...conv('same', 1, 2),
  [
    'fused conv2d with a bias and relu, and with prelu',
    () => [
      tf.fused.conv2d({
        x: uniform([2, 6, 6, 3]) as tf.Tensor4D,
        filter: uniform([3, 3, 3, 4]) as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: uniform([4]),
        activation: 'relu',
      }),
      tf.fused.conv2d({
        x: uniform([2, 6, 6, 3]) as tf.Tensor4D,
        filter: uniform([3, 3, 3, 4]) as tf.Tensor4D,
        strides: 1,
        pad: 'valid',
        bias: uniform([4]),
        activation: 'prelu',
        preluActivationWeights: uniform([4]),
      }),
    ],
    1e-4,
  ],
  [
    'fused conv2d gradients (x, filter, bias)',
    () =>
      gradients(
        (x, w, b) =>
          tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu' }),
        uniform([2, 5, 5, 3]),
        uniform([3, 3, 3, 4]),
        uniform([4]),
      ),
    1e-4,
  ],
  // pooling, with ties in the windows
  [
    'maxPool 2x2 valid and 3x3 same stride 2, with ties',
    () => [tf.maxPool(tied([2, 7, 7, 3]) as tf.Tensor4D, 2, 2, 'valid'), tf.maxPool(tied([2, 8, 7, 3]) as tf.Tensor4D, 3, 2, 'same')],
  ],
  [
    'maxPool gradients: the first maximum of a window takes it',
    () => [
      ...gradients((x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), tied([2, 6, 6, 3])),
      ...gradients((x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'), tied([2, 8, 7, 2])),
      ...gradients((x) => tf.maxPool(x as tf.Tensor4D, 3, 1, 'same'), uniform([1, 5, 5, 2])),
    ],
  ],
  [
    'avgPool 2x2 valid and 3x3 same stride 1, and their gradients',
    () => [
      tf.avgPool(uniform([2, 7, 7, 3]) as tf.Tensor4D, 2, 2, 'valid'),
      tf.avgPool(uniform([2, 6, 5, 3]) as tf.Tensor4D, 3, 1, 'same'),
      ...gradients((x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), uniform([2, 6, 6, 3])),
      ...gradients((x) => tf.avgPool(x as tf.Tensor4D, 3, 1, 'same'), uniform([1, 5, 5, 2])),
    ],
  ],
  // batch norm: per channel (ATen's kernel) and broadcasting (the formula), 4-D and 2-D, and its gradients
  [
    'batchNorm per channel, 4-D and 2-D, with and without offset and scale',
    () => [
      tf.batchNorm(uniform([2, 4, 3, 5]), uniform([5]), uniform([5], 0.5, 2), uniform([5]), uniform([5]), 1e-3),
      tf.batchNorm(uniform([6, 5]), uniform([5]), uniform([5], 0.5, 2), undefined, undefined, 1e-5),
      tf.batchNorm(uniform([6, 5]), uniform([5]), uniform([5], 0.5, 2), uniform([5])),
    ],
    1e-5,
  ],
  [
    'batchNorm with statistics of the trailing axes',
    () =>
      tf.batchNorm(
        uniform([2, 4, 3, 5]),
        uniform([1, 1, 3, 5]),
        uniform([1, 1, 3, 5], 0.5, 2),
        uniform([1, 1, 1, 5]),
        uniform([1, 1, 3, 5]),
        1e-3,
      ),
    1e-5,
  ],
  [
    'batchNorm gradients',
    () =>
      gradients(
        (x, m, v, o, s) => tf.batchNorm(x, m, v, o, s, 1e-3),
        uniform([2, 3, 3, 4]),
        uniform([4]),
        uniform([4], 0.5, 2),
        uniform([4]),
        uniform([4]),
      ),
    1e-4,
  ],
  // matrix products
  [
    'matMul 2-D, transposed either way, batched with broadcasting',
    () => [
      tf.matMul(uniform([5, 7]), uniform([7, 3])),
      tf.matMul(uniform([7, 5]), uniform([3, 7]), true, true),
      tf.matMul(uniform([2, 5, 7]), uniform([2, 7, 3])),
      tf.matMul(uniform([2, 3, 5, 7]), uniform([3, 7, 4])),
    ],
    1e-5,
  ],
  [
    'fused matMul with a bias and each activation',
    () =>
      (['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const).map((activation) =>
        tf.fused.matMul({ a: uniform([4, 6]), b: uniform([6, 3]), bias: uniform([3]), activation, leakyreluAlpha: 0.1 }),
      ),
    1e-5,
  ],
  [
    'fused matMul gradients',
    () =>
      gradients(
        (a, b, bias) => tf.fused.matMul({ a, b, bias, activation: 'relu', transposeB: true }),
        uniform([4, 6]),
        uniform([3, 6]),
        uniform([3]),
      ),
    1e-5,
  ],
];

interface Output {
  shape: number[];
  dtype: string;
  values: number[];
}

async function outputsOn(backend: string, fn: () => tf.Tensor | tf.Tensor[], from: number): Promise<Output[]> {
  await tf.setBackend(backend);
  seed = from;
  const tensors = tf.tidy(() => [fn()].flat());
  const outputs = tensors.map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
  tf.dispose(tensors);
  return outputs;
}

/** Equal within `tolerance` times the largest expected magnitude (at least 1); NaN where NaN, the same infinities. */
function expectClose(got: Output[], want: Output[], tolerance: number): void {
  expect(got.map((o) => [o.shape, o.dtype])).toEqual(want.map((o) => [o.shape, o.dtype]));
  got.forEach((output, k) => {
    const expected = want[k] as Output;
    const finite = expected.values.filter(Number.isFinite);
    const scale = Math.max(1, ...finite.map(Math.abs));
    expected.values.forEach((w, i) => {
      const g = output.values[i] as number;
      if (expected.dtype !== 'float32' || !Number.isFinite(w)) expect(g, `output ${k}, element ${i}`).toBe(w);
      else expect(Math.abs(g - w), `output ${k}, element ${i}: ${g} vs ${w}`).toBeLessThanOrEqual(tolerance * scale);
    });
  });
}

if (torch.available) {
  const { NATIVE_KERNEL_CONFIGS, fallbackCounts, resetFallbackCounts } = await import('./index.js');
  const reached = new Set<string>();

  describe('torch kernels against the cpu backend', () => {
    beforeAll(() => resetFallbackCounts());
    afterAll(() => tf.setBackend('cpu'));

    it.each(CASES.map(([name, fn, tolerance], k) => [name, fn, tolerance ?? 1e-5, 1000 * (k + 1)] as const))(
      '%s',
      async (_name, fn, tolerance, from) => {
        const want = await outputsOn('cpu', fn, from);
        const { result: got, kernels } = await dispatchedKernels(() => outputsOn('torch', fn, from));
        for (const kernel of kernels) reached.add(kernel);
        expectClose(got, want, tolerance);
      },
    );

    it('ran every case natively, and reached every native kernel', () => {
      // pow of int32 is the one case meant for the fallback; none of the others may take it.
      expect(fallbackCounts()).toEqual({});
      const missing = NATIVE_KERNEL_CONFIGS.map((k) => k.kernelName).filter((name) => !reached.has(name));
      expect(missing).toEqual([]);
    });
  });
} else {
  describe('without libtorch', () => {
    it('importing the package says the backend is not available and how to get libtorch', () => {
      expect(process.env.MIXENT_REQUIRE_TORCH, 'MIXENT_REQUIRE_TORCH=1: the addon must be built here').not.toBe('1');
      const error = (torch as { error: Error }).error;
      expect(error.name).toBe('TorchUnavailableError');
      expect(error.message).toMatch(
        /the torch backend is not available: its native addon is not built .*pip install torch.*apt install libtorch-dev.*LIBTORCH=/,
      );
    });
  });
}
