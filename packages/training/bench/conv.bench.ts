/**
 * GFLOP/s of each convolution of VGG-5 (width ×1, batch 100) on one thread: the forward convolution
 * (tfjs-backend-wasm's XNNPACK kernel) and the two gradients (this package's wasm kernels), against PyTorch's on
 * one thread of the same machine (tools/bench-pytorch.py --convs), so that the gap of a training step can be
 * told apart into "our kernels" and "XNNPACK on wasm SIMD against native code". Writes bench/conv.json.
 *
 *   npx nx run training:bench            (MIXENT_BENCH_STEPS=3 for a quicker, noisier run)
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initWasmBackend } from '@mixent/training';
import { median, runPytorchBench } from './shared.js';

const BATCH = 100;
const STEPS = Number(process.env.MIXENT_BENCH_STEPS ?? 10);

/** VGG-5's 3×3 'same' convolutions at width ×1: input size, channels in and out, and how many the model has. */
const LAYERS = [
  { size: 28, inChannels: 1, outChannels: 64, count: 1 },
  { size: 28, inChannels: 64, outChannels: 64, count: 1 },
  { size: 14, inChannels: 64, outChannels: 128, count: 1 },
  { size: 14, inChannels: 128, outChannels: 128, count: 1 },
  { size: 7, inChannels: 128, outChannels: 256, count: 1 },
  { size: 7, inChannels: 256, outChannels: 256, count: 2 },
  { size: 3, inChannels: 256, outChannels: 256, count: 3 },
] as const;

type Layer = (typeof LAYERS)[number];

/** How conv.json and tools/bench-pytorch.py --convs name a layer, e.g. 14x14x64->128. */
function layerKey({ size, inChannels, outChannels }: Layer): string {
  return `${size}x${size}x${inChannels}->${outChannels}`;
}
type Pass = 'forward' | 'filterGradient' | 'inputGradient';
const PASSES: readonly Pass[] = ['forward', 'filterGradient', 'inputGradient'];

/** Floating-point operations of one pass of a layer over the batch (each pass is the same number of multiply-adds). */
function flop({ size, inChannels, outChannels }: Layer): number {
  return 2 * BATCH * size * size * inChannels * outChannels * 9;
}

/** Median seconds of STEPS calls after one warm-up call; each call reads its result back. */
async function medianSeconds(fn: () => tf.Tensor): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= STEPS; i++) {
    const start = performance.now();
    const out = fn();
    await out.data();
    out.dispose();
    if (i > 0) times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

async function measure(layer: Layer): Promise<Record<Pass, number>> {
  const { size, inChannels, outChannels } = layer;
  const x = tf.randomNormal([BATCH, size, size, inChannels], 0, 1, 'float32', 1) as tf.Tensor4D;
  const filter = tf.randomNormal([3, 3, inChannels, outChannels], 0, 1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomNormal([BATCH, size, size, outChannels], 0, 1, 'float32', 3) as tf.Tensor4D;
  const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC' };
  const kernels: Record<Pass, () => tf.Tensor> = {
    forward: () => tf.conv2d(x, filter, 1, 'same'),
    filterGradient: () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: filter.shape }) as tf.Tensor,
    inputGradient: () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: x.shape }) as tf.Tensor,
  };
  const result = {} as Record<Pass, number>;
  for (const pass of PASSES) result[pass] = Number((flop(layer) / (await medianSeconds(kernels[pass])) / 1e9).toFixed(2));
  tf.dispose([x, filter, dy]);
  return result;
}

const info = await initWasmBackend({ threads: 1 });
const wasm: Record<string, Record<Pass, number>> = {};
for (const layer of LAYERS) {
  process.stderr.write(`wasm ${layerKey(layer)}\n`);
  wasm[layerKey(layer)] = await measure(layer);
}
const torch = runPytorchBench(['--convs', '--batch', String(BATCH), '--steps', String(STEPS), '--threads', '1']);
const torchLayers = (torch.layers ?? {}) as Record<string, Record<Pass, number>>;

// A training step runs every pass of every layer but the input gradient of the first (the images need none).
const trainingFlop = LAYERS.reduce((sum, layer, i) => sum + layer.count * flop(layer) * (i === 0 ? 2 : 3), 0);
/** Seconds one training step's convolutions take at these rates. */
const convSeconds = (rates: Record<string, Record<Pass, number>>) =>
  LAYERS.reduce((sum, layer, i) => {
    const rate = rates[layerKey(layer)];
    if (!rate) return Number.NaN;
    const passes = i === 0 ? PASSES.slice(0, 2) : PASSES;
    return sum + passes.reduce((s, pass) => s + (layer.count * flop(layer)) / (rate[pass] * 1e9), 0);
  }, 0);
const wasmSeconds = convSeconds(wasm);
const torchSeconds = convSeconds(torchLayers);
const result = {
  what: `GFLOP/s of VGG-5's 3x3 'same' convolutions (width x1), batch ${BATCH}, one thread, median of ${STEPS} calls after one warm-up call; forward, filter gradient and input gradient`,
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, tfjs: tf.version_core },
  wasm: { ...info, layers: wasm },
  pytorch: torch,
  trainingStep: {
    convolutionGflopPerImage: Number((trainingFlop / BATCH / 1e9).toFixed(3)),
    wasmConvolutionSeconds: Number(wasmSeconds.toFixed(3)),
    pytorchConvolutionSeconds: Number.isNaN(torchSeconds) ? null : Number(torchSeconds.toFixed(3)),
    wasmOverPytorch: Number.isNaN(torchSeconds) ? null : Number((torchSeconds / wasmSeconds).toFixed(3)),
  },
};
const out = join(import.meta.dirname, 'conv.json');
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
console.log(`written to ${out}`);
