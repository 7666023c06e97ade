import * as tf from '@tensorflow/tfjs-core';
import { IMAGE_PIXELS, IMAGE_SIZE, normalizePixels } from '@mixent/data';
import type { RunModel } from './runs.js';
import { softmax } from './prediction.js';

/** Each model's probabilities (softmax of its logits, float64) for one 28×28 uint8 image. */
export async function probabilitiesOf(models: readonly RunModel[], pixels: Uint8Array): Promise<Float64Array[]> {
  const input = tf.tensor4d(normalizePixels(pixels), [1, IMAGE_SIZE, IMAGE_SIZE, 1]);
  try {
    return await Promise.all(
      models.map(async ({ model }) => {
        const logits = model.predict(input) as tf.Tensor;
        const values = await logits.data();
        logits.dispose();
        return softmax(values);
      }),
    );
  } finally {
    input.dispose();
  }
}

/** Each model's predicted output for every image of a set, in batches, reporting progress after each. */
export async function predictSet(
  models: readonly RunModel[],
  images: Uint8Array,
  count: number,
  onProgress: (done: number) => Promise<void>,
  batchSize = 500,
): Promise<Int32Array[]> {
  const predictions = models.map(() => new Int32Array(count));
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const pixels = normalizePixels(images.subarray(start * IMAGE_PIXELS, (start + size) * IMAGE_PIXELS));
    const input = tf.tensor4d(pixels, [size, IMAGE_SIZE, IMAGE_SIZE, 1]);
    for (const [m, { model }] of models.entries()) {
      const predicted = tf.tidy(() => tf.argMax(model.predict(input) as tf.Tensor2D, 1));
      (predictions[m] as Int32Array).set(await predicted.data(), start);
      predicted.dispose();
    }
    input.dispose();
    await onProgress(start + size);
  }
  return predictions;
}
