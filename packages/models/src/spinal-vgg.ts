import * as tfl from '@tensorflow/tfjs-layers';
import { applyLayer, batchNorm, concat, dropout, linear, relu } from './blocks.js';
import { featureExtractor, imageInput } from './features.js';
import { FeatureSlice } from './layers.js';
import { validateModelOptions } from './options.js';
import type { ModelOptions } from './options.js';
import { modelName, resolveWidths } from './widths.js';

type SymbolicTensor = tfl.SymbolicTensor;

/**
 * Spinal-VGG of the SpinalNet reference: the shared feature extractor f, then the Spinal head
 * x1 = S1(f[0:128]); x2 = S2([f[128:256], x1]); x3 = S3([f[0:128], x2]); x4 = S4([f[128:256], x3]);
 * logits = Linear(512, C)(Dropout([x1, x2, x3, x4])), where each S is Dropout → Linear → BatchNorm → ReLU.
 * Maps [N, 28, 28, 1] float32 images to [N, C] logits (no softmax). Named `spinal-vgg-w{widthMultiplier}`.
 */
export function spinalVgg(options?: ModelOptions): tfl.LayersModel {
  const { numClasses, dropout: rate, seed, widthMultiplier } = validateModelOptions(options);
  const widths = resolveWidths(widthMultiplier);
  const half = widths.spinalHalf;
  const image = imageInput();
  const features = featureExtractor(image, widths, seed);
  const halfA = applyLayer(new FeatureSlice({ begin: 0, size: half, name: 'spinal_half_a' }), features);
  const halfB = applyLayer(new FeatureSlice({ begin: half, size: half, name: 'spinal_half_b' }), features);

  const spinalLayer = (input: SymbolicTensor, k: number): SymbolicTensor => {
    let x = dropout(input, rate, `spinal_s${k}_dropout`);
    x = linear(x, widths.spinalWidth, `spinal_s${k}_dense`, seed);
    x = batchNorm(x, `spinal_s${k}_bn`);
    return relu(x, `spinal_s${k}_relu`);
  };
  // Each layer reads one half of the features and the previous layer's output, in that order.
  const x1 = spinalLayer(halfA, 1);
  const x2 = spinalLayer(concat([halfB, x1], 'spinal_s2_input'), 2);
  const x3 = spinalLayer(concat([halfA, x2], 'spinal_s3_input'), 3);
  const x4 = spinalLayer(concat([halfB, x3], 'spinal_s4_input'), 4);

  let x = concat([x1, x2, x3, x4], 'spinal_concat');
  x = dropout(x, rate, 'head_dropout');
  const logits = linear(x, numClasses, 'logits', seed);
  return tfl.model({ inputs: image, outputs: logits, name: modelName('spinal-vgg', widthMultiplier) });
}
