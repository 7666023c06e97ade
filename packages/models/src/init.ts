import * as tfl from '@tensorflow/tfjs-layers';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** Std of the reference's conv kernels: N(0, sqrt(2 / (k·k·out_channels))), with k = 3. */
export function convKernelStd(outChannels: number, kernelSize = 3): number {
  return Math.sqrt(2 / (kernelSize * kernelSize * outChannels));
}

/** Bound of PyTorch's default init for Linear weights and biases and Conv2d biases: U(±1/sqrt(fan_in)). */
export function fanInBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

/**
 * Derives the seed of one weight from the model seed and the weight's name (e.g. `block1_conv1/kernel`),
 * so that every weight draws from its own stream and renaming or adding a layer leaves the others alone.
 * FNV-1a over the name, mixed with the seed by murmur3's finalizer; returns an unsigned 32-bit integer.
 */
export function deriveSeed(modelSeed: number, weightName: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < weightName.length; i++) {
    h = Math.imul(h ^ weightName.charCodeAt(i), 0x01000193);
  }
  // Fold both 32-bit halves of the seed in, so seeds beyond 2^32 still differ.
  h ^= modelSeed >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= Math.floor(modelSeed / 0x100000000) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Conv kernel initializer of the reference: plain normal (not truncated, not He's fan-in), std sqrt(2/(9·out)). */
export function convKernelInitializer(outChannels: number, seed: number): Initializer {
  return tfl.initializers.randomNormal({ mean: 0, stddev: convKernelStd(outChannels), seed });
}

/** PyTorch's default for Linear weights, Linear biases and Conv2d biases: U(−1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function fanInUniformInitializer(fanIn: number, seed: number): Initializer {
  const bound = fanInBound(fanIn);
  return tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed });
}
