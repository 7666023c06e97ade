import * as tfl from '@tensorflow/tfjs-layers';
import { applyLayer, batchNorm, conv3x3, relu } from './blocks.js';
import type { ModelWidths } from './widths.js';

type SymbolicTensor = tfl.SymbolicTensor;

/** Input images: 28×28, one grey channel, float32. */
export const INPUT_SHAPE = Object.freeze([28, 28, 1] as const);

/** The `[N, 28, 28, 1]` input of every model. */
export function imageInput(): SymbolicTensor {
  return tfl.input({ shape: [...INPUT_SHAPE], dtype: 'float32', name: 'image' });
}

/**
 * The feature extractor both models share ("VGG-5"): blocks of conv3x3 → BatchNorm → ReLU, each block
 * ending in 2×2 max pooling (28 → 14 → 7 → 3 → 1), then flattened to [N, features].
 * Layers are named `block{b}_conv{i}`, `block{b}_bn{i}`, `block{b}_relu{i}`, `block{b}_pool`, `flatten`.
 */
export function featureExtractor(image: SymbolicTensor, widths: ModelWidths, seed: number): SymbolicTensor {
  let x = image;
  widths.blocks.forEach((block, b) => {
    block.forEach((filters, i) => {
      const id = `block${b + 1}`;
      x = conv3x3(x, filters, `${id}_conv${i + 1}`, seed);
      x = batchNorm(x, `${id}_bn${i + 1}`);
      x = relu(x, `${id}_relu${i + 1}`);
    });
    // 'valid' floors odd sizes (7 → 3) as PyTorch's MaxPool2d(2) does.
    const pool = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid', name: `block${b + 1}_pool` });
    x = applyLayer(pool, x);
  });
  return applyLayer(tfl.layers.flatten({ name: 'flatten' }), x);
}
