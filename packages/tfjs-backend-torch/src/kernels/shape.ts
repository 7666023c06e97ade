import { type KernelConfig, type TensorInfo, backend_util, slice_util, upcastType, util } from '@tensorflow/tfjs-core';
import { DTYPE_CODES } from '../binding.js';
import { axisOf, input, nativeKernel } from './define.js';

function commonDtype(tensors: readonly TensorInfo[]): TensorInfo['dtype'] {
  return tensors.map((t) => t.dtype).reduce((a, b) => upcastType(a, b));
}

function listed(inputs: Record<string, TensorInfo | null | undefined>): TensorInfo[] {
  return Object.values(inputs).filter((t): t is TensorInfo => Boolean(t));
}

/** Kernels that move data: reshapes, slices, joins, splits, padding, gathering. Views where ATen can make them. */
export const SHAPE_KERNELS: readonly KernelConfig[] = [
  nativeKernel('Reshape', (inputs, attrs) => {
    const x = input(inputs, 'x');
    return { inputs: [x], ints: util.inferFromImplicitShape(attrs.shape as number[], util.sizeFromShape(x.shape)) };
  }),
  nativeKernel('Slice', (inputs, attrs) => {
    const x = input(inputs, 'x');
    const [begin, size] = slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]);
    return { inputs: [x], ints: [...(begin as number[]), ...(size as number[])] };
  }),
  nativeKernel('Concat', (inputs, attrs) => {
    const all = listed(inputs);
    const axis = axisOf(attrs.axis as number, (all[0] as TensorInfo).shape);
    // tfjs drops empty inputs; ATen needs every input's other dimensions to match, which an empty one may not.
    const nonEmpty = all.filter((t) => util.sizeFromShape(t.shape) > 0);
    const dtype = commonDtype(all);
    if (nonEmpty.length === 0) return undefined;
    return { inputs: nonEmpty, ints: [axis], dtype };
  }),
  nativeKernel('Pack', (inputs, attrs) => {
    const all = listed(inputs);
    const rank = (all[0] as TensorInfo).shape.length;
    const axis = (attrs.axis as number) < 0 ? (attrs.axis as number) + rank + 1 : (attrs.axis as number);
    return { inputs: all, ints: [axis], dtype: commonDtype(all) };
  }),
  nativeKernel(
    'Unpack',
    (inputs, attrs) => {
      const value = input(inputs, 'value');
      return { inputs: [value], ints: [axisOf(attrs.axis as number, value.shape)] };
    },
    true,
  ),
  nativeKernel(
    'SplitV',
    (inputs, attrs) => {
      const x = input(inputs, 'x');
      const axis = axisOf(attrs.axis as number, x.shape);
      const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits as number | number[], axis);
      return { inputs: [x], ints: [axis, ...sizes] };
    },
    true,
  ),
  nativeKernel('Tile', (inputs, attrs) => ({ inputs: [input(inputs, 'x')], ints: attrs.reps as number[] })),
  nativeKernel('Transpose', (inputs, attrs) => ({ inputs: [input(inputs, 'x')], ints: attrs.perm as number[] })),
  nativeKernel('Reverse', (inputs, attrs) => {
    const x = input(inputs, 'x');
    const axes = util.parseAxisParam(attrs.dims as number | number[], x.shape);
    return axes.length === 0 ? { inputs: [x], kernel: 'Identity' } : { inputs: [x], ints: axes };
  }),
  nativeKernel('PadV2', (inputs, attrs) => ({
    inputs: [input(inputs, 'x')],
    ints: (attrs.paddings as [number, number][]).flat(),
    floats: [attrs.constantValue as number],
  })),
  nativeKernel('OneHot', (inputs, attrs) => {
    const dtype = attrs.dtype as TensorInfo['dtype'];
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') return undefined;
    return {
      inputs: [input(inputs, 'indices')],
      ints: [attrs.depth as number, DTYPE_CODES[dtype]],
      floats: [attrs.onValue as number, attrs.offValue as number],
      dtype,
    };
  }),
  nativeKernel('Select', (inputs) => {
    const [t, e] = [input(inputs, 't'), input(inputs, 'e')];
    return { inputs: [input(inputs, 'condition'), t, e], dtype: upcastType(t.dtype, e.dtype) };
  }),
  nativeKernel('GatherV2', (inputs, attrs) => {
    const x = input(inputs, 'x');
    if ((attrs.batchDims as number) !== 0) return undefined;
    return { inputs: [x, input(inputs, 'indices')], ints: [axisOf(attrs.axis as number, x.shape)] };
  }),
];
