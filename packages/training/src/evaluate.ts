import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type LetterSet, batchToTensors, batches } from '@mixent/data';

/** What a model predicts on a set, and how often it is right. */
export interface Evaluation {
  /** Fraction of correct predictions, in [0, 1]. */
  accuracy: number;
  /** Number of correct predictions. */
  correct: number;
  /** Number of examples. */
  count: number;
  /** Predicted class of each example, in the set's order. */
  predictions: Int32Array;
}

/** Predicts every example of a set in inference mode (no dropout, BatchNorm moving statistics). */
export async function evaluate(model: tfl.LayersModel, set: LetterSet, batchSize: number): Promise<Evaluation> {
  const predictions = new Int32Array(set.count);
  let correct = 0;
  let offset = 0;
  for (const batch of batches(set, { batchSize })) {
    const predicted = tf.tidy(() => {
      const { xs } = batchToTensors(batch);
      return tf.argMax(model.predict(xs) as tf.Tensor2D, 1);
    });
    // Read asynchronously: a synchronous read is not possible on webgpu in Node (it needs OffscreenCanvas).
    const values = await predicted.data();
    predicted.dispose();
    for (let k = 0; k < batch.size; k++) {
      predictions[offset + k] = values[k] as number;
      if (values[k] === batch.labels[k]) correct++;
    }
    offset += batch.size;
  }
  return { accuracy: set.count === 0 ? 0 : correct / set.count, correct, count: set.count, predictions };
}
