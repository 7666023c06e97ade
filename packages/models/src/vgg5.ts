import * as tfl from '@tensorflow/tfjs-layers';
import { batchNorm, dropout, linear, relu } from './blocks.js';
import { featureExtractor, imageInput } from './features.js';
import { validateModelOptions } from './options.js';
import type { ModelOptions } from './options.js';
import { modelName, resolveWidths } from './widths.js';

/**
 * VGG-5 of the SpinalNet reference: the shared feature extractor, then the VGG head
 * Dropout → Linear(256, 512) → BatchNorm → ReLU → Dropout → Linear(512, C).
 * Maps [N, 28, 28, 1] float32 images to [N, C] logits (no softmax). Named `vgg5-w{widthMultiplier}`.
 */
export function vgg5(options?: ModelOptions): tfl.LayersModel {
  const { numClasses, dropout: rate, seed, widthMultiplier } = validateModelOptions(options);
  const widths = resolveWidths(widthMultiplier);
  const image = imageInput();
  let x = featureExtractor(image, widths, seed);
  x = dropout(x, rate, 'head_dropout1');
  x = linear(x, widths.vggHidden, 'head_fc1', seed);
  x = batchNorm(x, 'head_bn1');
  x = relu(x, 'head_relu1');
  x = dropout(x, rate, 'head_dropout2');
  const logits = linear(x, numClasses, 'logits', seed);
  return tfl.model({ inputs: image, outputs: logits, name: modelName('vgg5', widthMultiplier) });
}
