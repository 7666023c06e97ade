// Prints, as JSON, the wasm backend's thread count and a digest of one VGG-5 loss and its gradients on a fixed
// batch, in a process of its own: the backend's threads are chosen once per process (MIXENT_WASM_THREADS).
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '@mixent/losses';
import { trainableVariables, vgg5 } from '@mixent/models';
import { initWasmBackend } from '../backends/wasm.js';

const { threads } = await initWasmBackend();
const model = vgg5({ seed: 0, widthMultiplier: 0.25 });
const x = tf.randomNormal([32, 28, 28, 1], 0, 1, 'float32', 1);
const y = tf.tensor1d(
  Array.from({ length: 32 }, (_, i) => i % 26),
  'int32',
);
// training: false leaves dropout out, so that nothing but the kernels decides the numbers.
const { value, grads } = tf.variableGrads(
  () => crossEntropy(y, model.apply(x, { training: false }) as tf.Tensor),
  trainableVariables(model),
);
const digest = createHash('sha256');
for (const t of [value, ...Object.values(grads)]) digest.update(new Uint8Array((await t.data()).buffer));
console.log(JSON.stringify({ threads, digest: digest.digest('hex') }));
