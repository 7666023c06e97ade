import * as tf from '@tensorflow/tfjs-core';
import { IMAGE_SIZE } from './emnist.js';
import type { Batch } from './batches.js';

/** A batch as tensors: images [N, 28, 28, 1] float32 and labels [N] int32. */
export interface BatchTensors {
  xs: tf.Tensor4D;
  ys: tf.Tensor1D;
}

/** Makes tensors of a batch; the caller disposes them (or creates them inside tf.tidy). */
export function batchToTensors(batch: Batch): BatchTensors {
  return {
    xs: tf.tensor4d(batch.images, [batch.size, IMAGE_SIZE, IMAGE_SIZE, 1], 'float32'),
    ys: tf.tensor1d(batch.labels, 'int32'),
  };
}
