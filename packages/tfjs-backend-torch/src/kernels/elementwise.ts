import { type DataType, type KernelConfig, type TensorInfo, upcastType } from '@tensorflow/tfjs-core';
import { DTYPE_CODES } from '../binding.js';
import { input, nativeKernel } from './define.js';

/** Unary kernels whose output is float32 whatever the input. */
const FLOAT_UNARY = [
  'Acos',
  'Asin',
  'Atan',
  'Ceil',
  'Cos',
  'Cosh',
  'Elu',
  'Erf',
  'Exp',
  'Expm1',
  'Floor',
  'Log',
  'Log1p',
  'Reciprocal',
  'Round',
  'Rsqrt',
  'Selu',
  'Sigmoid',
  'Sin',
  'Sinh',
  'Softplus',
  'Sqrt',
  'Tan',
  'Tanh',
];
/** Unary kernels that keep the input's dtype. */
const SAME_UNARY = ['Abs', 'Identity', 'Neg', 'OnesLike', 'Relu', 'Relu6', 'Sign', 'Square', 'ZerosLike'];
/** Unary kernels whose output is bool. */
const BOOL_UNARY = ['IsFinite', 'IsInf', 'IsNan', 'LogicalNot'];
/** Binary kernels whose output has the inputs' common dtype (tfjs makes them the same before the kernel). */
const ARITHMETIC = ['Add', 'Atan2', 'EluGrad', 'Maximum', 'Minimum', 'Mod', 'Multiply', 'Prelu', 'RealDiv', 'SquaredDifference', 'Sub'];
/** Binary kernels whose output is bool. */
const COMPARISON = ['Equal', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'LogicalAnd', 'LogicalOr', 'NotEqual'];

const BINARY_INPUTS: Record<string, [string, string]> = { EluGrad: ['dy', 'y'], Prelu: ['x', 'alpha'] };

function binary(kernelName: string, out: 'common' | DataType): KernelConfig {
  const [first, second] = BINARY_INPUTS[kernelName] ?? ['a', 'b'];
  return nativeKernel(kernelName, (inputs) => {
    const a = input(inputs, first);
    const b = input(inputs, second);
    return { inputs: [a, b], dtype: out === 'common' ? upcastType(a.dtype, b.dtype) : out };
  });
}

/** The element-wise kernels. */
export const ELEMENTWISE_KERNELS: readonly KernelConfig[] = [
  ...FLOAT_UNARY.map((name) => nativeKernel(name, (inputs) => ({ inputs: [input(inputs, 'x')], dtype: 'float32' }))),
  ...SAME_UNARY.map((name) => nativeKernel(name, (inputs) => ({ inputs: [input(inputs, 'x')], dtype: input(inputs, 'x').dtype }))),
  ...BOOL_UNARY.map((name) => nativeKernel(name, (inputs) => ({ inputs: [input(inputs, 'x')], dtype: 'bool' }))),
  ...ARITHMETIC.map((name) => binary(name, 'common')),
  ...COMPARISON.map((name) => binary(name, 'bool')),
  // tfjs' floor division gives int32, of floats too.
  binary('FloorDiv', 'int32'),
  // ATen refuses negative integer powers; tfjs' cpu kernel computes them.
  nativeKernel('Pow', (inputs) => {
    const [a, b] = [input(inputs, 'a'), input(inputs, 'b')];
    return a.dtype === 'float32' || b.dtype === 'float32' ? { inputs: [a, b], dtype: upcastType(a.dtype, b.dtype) } : undefined;
  }),
  nativeKernel('Step', (inputs, attrs) => ({
    inputs: [input(inputs, 'x')],
    floats: [attrs.alpha as number],
    dtype: input(inputs, 'x').dtype,
  })),
  nativeKernel('LeakyRelu', (inputs, attrs) => ({
    inputs: [input(inputs, 'x')],
    floats: [attrs.alpha as number],
    dtype: input(inputs, 'x').dtype,
  })),
  nativeKernel('ClipByValue', (inputs, attrs) => ({
    inputs: [input(inputs, 'x')],
    floats: [attrs.clipValueMin as number, attrs.clipValueMax as number],
    dtype: input(inputs, 'x').dtype,
  })),
  nativeKernel('Cast', (inputs, attrs) => {
    const dtype = attrs.dtype as TensorInfo['dtype'];
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') return undefined;
    return { inputs: [input(inputs, 'x')], ints: [DTYPE_CODES[dtype]], dtype };
  }),
  nativeKernel('AddN', (inputs) => {
    const all = Object.values(inputs) as TensorInfo[];
    return { inputs: all, dtype: all[0]?.dtype };
  }),
];
