import { type DataType, type KernelConfig, type NamedAttrMap, type TensorInfo, sumOutType, util } from '@tensorflow/tfjs-core';
import { axisOf, input, nativeKernel } from './define.js';

/** How each reduction names its axes and what dtype it gives. */
const REDUCTIONS: Record<string, { axisAttr: string; dtype: (x: DataType) => DataType }> = {
  Sum: { axisAttr: 'axis', dtype: sumOutType },
  Prod: { axisAttr: 'axis', dtype: sumOutType },
  Mean: { axisAttr: 'axis', dtype: () => 'float32' },
  Max: { axisAttr: 'reductionIndices', dtype: (x) => x },
  Min: { axisAttr: 'axis', dtype: (x) => x },
  All: { axisAttr: 'axis', dtype: () => 'bool' },
  Any: { axisAttr: 'axis', dtype: () => 'bool' },
};

function reduction(kernelName: string, axisAttr: string, outDtype: (x: DataType) => DataType): KernelConfig {
  return nativeKernel(kernelName, (inputs, attrs: NamedAttrMap) => {
    const x = input(inputs, 'x');
    const dtype = outDtype(x.dtype);
    const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
    // ATen reads an empty axis list as "every axis"; tfjs as none.
    if (axes.length === 0) return { inputs: [x], dtype, kernel: 'Identity' };
    return { inputs: [x], ints: [attrs.keepDims ? 1 : 0, ...axes], dtype };
  });
}

function argExtreme(kernelName: string): KernelConfig {
  return nativeKernel(kernelName, (inputs, attrs) => {
    const x: TensorInfo = input(inputs, 'x');
    return { inputs: [x], ints: [axisOf(attrs.axis as number, x.shape)], dtype: 'int32' };
  });
}

/** The reductions. */
export const REDUCTION_KERNELS: readonly KernelConfig[] = [
  ...Object.entries(REDUCTIONS).map(([name, { axisAttr, dtype }]) => reduction(name, axisAttr, dtype)),
  argExtreme('ArgMax'),
  argExtreme('ArgMin'),
];
