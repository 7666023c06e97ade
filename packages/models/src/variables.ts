import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * The tf.Variables an optimizer updates for a model: its trainable weights, in the model's order (BatchNorm's
 * moving statistics are not among them). tfjs-layers wraps each in a LayerVariable whose read() is the variable
 * itself; its own fit() relies on the same cast.
 */
export function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}
