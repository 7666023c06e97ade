import * as tfl from '@tensorflow/tfjs-layers';
import { convKernelInitializer, deriveSeed, fanInUniformInitializer } from './init.js';

type SymbolicTensor = tfl.SymbolicTensor;

/** PyTorch's BatchNorm momentum 0.1 weighs the new batch; Keras' momentum weighs the old average: 1 − 0.1. */
export const BN_MOMENTUM = 0.9;
/** PyTorch's BatchNorm default epsilon (Keras' default is 1e-3). */
export const BN_EPSILON = 1e-5;

/** Applies a layer to symbolic inputs; the check replaces a cast of tfjs' union return type. */
export function applyLayer(layer: tfl.layers.Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  const y = layer.apply(x);
  if (!(y instanceof tfl.SymbolicTensor)) throw new Error(`${layer.name}: expected one symbolic output`);
  return y;
}

/** The last dimension of a symbolic tensor, which every layer here needs to know its fan-in. */
function lastDim(x: SymbolicTensor): number {
  const d = x.shape[x.shape.length - 1];
  if (d == null) throw new Error(`${x.name}: last dimension unknown`);
  return d;
}

/** BatchNorm over the last axis, PyTorch's defaults mapped to Keras: scale 1, offset 0, statistics 0 and 1. */
export function batchNorm(x: SymbolicTensor, name: string): SymbolicTensor {
  return applyLayer(tfl.layers.batchNormalization({ axis: -1, momentum: BN_MOMENTUM, epsilon: BN_EPSILON, name }), x);
}

/** ReLU as its own layer, so the layer list matches the reference's. */
export function relu(x: SymbolicTensor, name: string): SymbolicTensor {
  return applyLayer(tfl.layers.activation({ activation: 'relu', name }), x);
}

/** Dropout with the model's rate; unseeded, since a seeded tfjs Dropout repeats one mask on every step. */
export function dropout(x: SymbolicTensor, rate: number, name: string): SymbolicTensor {
  return applyLayer(tfl.layers.dropout({ rate, name }), x);
}

/** 3×3 convolution, stride 1, same padding, with bias, initialized as the reference. */
export function conv3x3(x: SymbolicTensor, filters: number, name: string, seed: number): SymbolicTensor {
  return applyLayer(
    tfl.layers.conv2d({
      filters,
      kernelSize: 3,
      strides: 1,
      padding: 'same',
      useBias: true,
      kernelInitializer: convKernelInitializer(filters, deriveSeed(seed, `${name}/kernel`)),
      biasInitializer: fanInUniformInitializer(9 * lastDim(x), deriveSeed(seed, `${name}/bias`)),
      name,
    }),
    x,
  );
}

/** Linear layer with PyTorch's default init: weights and bias U(±1/sqrt(fan_in)). */
export function linear(x: SymbolicTensor, units: number, name: string, seed: number): SymbolicTensor {
  const fanIn = lastDim(x);
  return applyLayer(
    tfl.layers.dense({
      units,
      useBias: true,
      kernelInitializer: fanInUniformInitializer(fanIn, deriveSeed(seed, `${name}/kernel`)),
      biasInitializer: fanInUniformInitializer(fanIn, deriveSeed(seed, `${name}/bias`)),
      name,
    }),
    x,
  );
}

/** Concatenation along features, in the order given. */
export function concat(xs: SymbolicTensor[], name: string): SymbolicTensor {
  return applyLayer(tfl.layers.concatenate({ axis: -1, name }), xs);
}
