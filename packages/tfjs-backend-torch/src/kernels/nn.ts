import { type KernelConfig, type NamedAttrMap, type TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import { axisOf, input, nativeKernel } from './define.js';

/** tfjs' fused activations, by the codes of native/ops.cc. */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, prelu: 5, sigmoid: 6 };

type Shape4 = [number, number, number, number];

/** Strides, dilations and pads as native/ops.cc's Window reads them. */
function windowInts(info: backend_util.Conv2DInfo): number[] {
  const { top, bottom, left, right } = info.padInfo;
  return [info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, top, bottom, left, right];
}

function convInfo(xShape: number[], filterShape: number[], attrs: NamedAttrMap): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides as [number, number],
    (attrs.dilations as [number, number] | undefined) ?? 1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
}

function poolInfo(xShape: number[], attrs: NamedAttrMap): backend_util.Conv2DInfo {
  return backend_util.computePool2DInfo(
    xShape as Shape4,
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
}

/** ATen pads a pooling window at most half its size, on both sides alike (asymmetric pads are made explicit in C++). */
function poolPadsFit(info: backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return Math.max(top, bottom) <= Math.floor(info.filterHeight / 2) && Math.max(left, right) <= Math.floor(info.filterWidth / 2);
}

function symmetric(info: backend_util.Conv2DInfo): boolean {
  return info.padInfo.top === info.padInfo.bottom && info.padInfo.left === info.padInfo.right;
}

/** Whether `shape`, without its leading 1s, is the end of `of`. */
function spansTrailingAxes(shape: readonly number[], of: readonly number[]): boolean {
  const core = shape.slice(shape.findIndex((d) => d !== 1) < 0 ? shape.length : shape.findIndex((d) => d !== 1));
  return core.length <= of.length && core.every((d, i) => d === of[of.length - core.length + i]);
}

function activationOf(attrs: NamedAttrMap): { ints: number[]; floats: number[] } | undefined {
  const code = ACTIVATIONS[(attrs.activation as string | undefined) ?? 'linear'];
  if (code === undefined) return undefined;
  return { ints: [code], floats: [(attrs.leakyreluAlpha as number | undefined) ?? 0.2] };
}

function conv2d(kernelName: 'Conv2D' | 'FusedConv2D'): KernelConfig {
  return nativeKernel(kernelName, (inputs, attrs) => {
    const [x, filter] = [input(inputs, 'x'), input(inputs, 'filter')];
    const activation = activationOf(attrs);
    if (attrs.dataFormat !== 'NHWC' || !activation || x.dtype !== 'float32') return undefined;
    return {
      inputs: [x, filter, inputs.bias, inputs.preluActivationWeights],
      ints: [...windowInts(convInfo(x.shape, filter.shape, attrs)), ...activation.ints],
      floats: activation.floats,
      kernel: 'FusedConv2D',
      dtype: 'float32',
    };
  });
}

function matMul(kernelName: 'BatchMatMul' | '_FusedMatMul'): KernelConfig {
  return nativeKernel(kernelName, (inputs, attrs) => {
    const [a, b] = [input(inputs, 'a'), input(inputs, 'b')];
    const activation = activationOf(attrs);
    // ATen has no integer GEMM on the CPU.
    if (!activation || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
    return {
      inputs: [a, b, inputs.bias, inputs.preluActivationWeights],
      ints: [attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0, ...activation.ints],
      floats: activation.floats,
      dtype: 'float32',
    };
  });
}

function pool(kernelName: 'MaxPool' | 'AvgPool'): KernelConfig {
  return nativeKernel(kernelName, (inputs, attrs) => {
    const x = input(inputs, 'x');
    const info = poolInfo(x.shape, attrs);
    if (!poolPadsFit(info) || (kernelName === 'AvgPool' && !symmetric(info)) || x.dtype !== 'float32') return undefined;
    return { inputs: [x], ints: [info.filterHeight, info.filterWidth, ...windowInts(info)], dtype: 'float32' };
  });
}

function poolGrad(kernelName: 'MaxPoolGrad' | 'AvgPoolGrad'): KernelConfig {
  return nativeKernel(kernelName, (inputs, attrs) => {
    const [dy, x] = [input(inputs, 'dy'), input(inputs, 'input')];
    const info = poolInfo(x.shape, attrs);
    if (!poolPadsFit(info) || (kernelName === 'AvgPoolGrad' && !symmetric(info))) return undefined;
    return { inputs: [dy, x], ints: [info.filterHeight, info.filterWidth, ...windowInts(info)], dtype: 'float32' };
  });
}

/** Convolutions, pooling, batch norm, matrix products, softmax: the layers of a CNN and their gradients. */
export const NN_KERNELS: readonly KernelConfig[] = [
  conv2d('Conv2D'),
  conv2d('FusedConv2D'),
  nativeKernel('Conv2DBackpropInput', (inputs, attrs) => {
    const [dy, filter] = [input(inputs, 'dy'), input(inputs, 'filter')];
    const inputShape = attrs.inputShape as number[];
    if (attrs.dataFormat !== 'NHWC') return undefined;
    return {
      inputs: [dy, filter],
      ints: [...inputShape, ...windowInts(convInfo(inputShape, filter.shape, { ...attrs, dilations: 1 }))],
      dtype: 'float32',
    };
  }),
  nativeKernel('Conv2DBackpropFilter', (inputs, attrs) => {
    const [x, dy] = [input(inputs, 'x'), input(inputs, 'dy')];
    const filterShape = attrs.filterShape as number[];
    if (attrs.dataFormat !== 'NHWC') return undefined;
    return {
      inputs: [x, dy],
      ints: [...filterShape, ...windowInts(convInfo(x.shape, filterShape, { ...attrs, dilations: 1 }))],
      dtype: 'float32',
    };
  }),
  pool('MaxPool'),
  pool('AvgPool'),
  poolGrad('MaxPoolGrad'),
  poolGrad('AvgPoolGrad'),
  nativeKernel('FusedBatchNorm', (inputs, attrs) => {
    const x = input(inputs, 'x');
    const statistics = [input(inputs, 'mean'), input(inputs, 'variance'), inputs.offset, inputs.scale];
    // tfjs reads the statistics cyclically, which is broadcasting only when they span x's trailing axes.
    if (!statistics.every((t) => !t || spansTrailingAxes(t.shape, x.shape))) return undefined;
    return { inputs: [x, ...statistics], floats: [attrs.varianceEpsilon as number], dtype: 'float32' };
  }),
  matMul('BatchMatMul'),
  matMul('_FusedMatMul'),
  nativeKernel('Softmax', (inputs, attrs) => {
    const logits: TensorInfo = input(inputs, 'logits');
    return { inputs: [logits], ints: [axisOf(attrs.dim as number, logits.shape)], dtype: 'float32' };
  }),
];
