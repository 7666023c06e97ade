/**
 * Training and inference images/s of VGG-5 (width ×1, batch 100) on every backend available
 * here, the median of STEPS steps after warm-up, and a per-kernel profile of one wasm and one torch training
 * step; the same on wasm and torch at the sample profile's width, and torch's dispatch cost per kernel. PyTorch on CPU (tools/bench-pytorch.py) runs the same model and batch when
 * `python3 -c "import torch"` works, so the tfjs / PyTorch ratio comes from one run on one
 * machine. wasm runs with its default threads (MIXENT_WASM_THREADS, else half the logical CPUs) and once more on
 * all logical CPUs (at most 8), in a child process (threads are chosen once per process).
 * Writes bench/train.json.
 *
 *   npx nx run training:bench            (MIXENT_BENCH_STEPS=3 for a quicker, noisier run;
 *                                         MIXENT_BENCH_BACKENDS=webgpu,wasm to measure only those)
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '@mixent/losses';
import { trainableVariables, vgg5 } from '@mixent/models';
import { BACKEND_NAMES, type BackendName, PROFILES, selectBackend } from '@mixent/training';
import { median, runPytorchBench } from './shared.js';

const BATCH = 100;
const STEPS = Number(process.env.MIXENT_BENCH_STEPS ?? 10);
const WARMUP = 2;

/** Median seconds of `steps` calls after `warmup` calls. */
async function medianSeconds(fn: () => Promise<void>, steps: number, warmup = WARMUP): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    await fn();
    times.push((performance.now() - start) / 1000);
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  return median(times);
}

interface BackendResult {
  available: boolean;
  description?: string;
  trainImagesPerSecond?: number;
  inferenceImagesPerSecond?: number;
  note?: string;
  /** torch only: kernels that ran on the cpu fallback during the steps (none is the goal). */
  fallbacks?: Record<string, number>;
  /** The time of one small kernel (a scalar add) from JavaScript and back, µs. */
  dispatchMicroseconds?: number;
}

async function torchFallbacks(): Promise<Record<string, number>> {
  const { fallbackCounts } = await import('@mixent/tfjs-backend-torch');
  return fallbackCounts();
}

/** Median µs of a scalar add on the active backend, over 5 rounds of 2,000: what every kernel costs beyond its work. */
function dispatchMicroseconds(): number {
  const a = tf.scalar(1);
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < 2000; i++) tf.add(a, a).dispose();
    rounds.push(((performance.now() - start) * 1000) / 2000);
  }
  a.dispose();
  return Number(median(rounds).toFixed(2));
}

async function measure(name: BackendName, widthMultiplier = 1, profile = name === 'wasm' || name === 'torch'): Promise<BackendResult> {
  let description: string;
  let software: boolean;
  try {
    ({ description, software = false } = await selectBackend(name));
  } catch (error) {
    return { available: false, note: (error as Error).message };
  }
  const model = vgg5({ seed: 0, widthMultiplier });
  const xs = tf.randomNormal([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const ys = tf.tensor1d(
    Array.from({ length: BATCH }, (_, i) => i % 26),
    'int32',
  );
  const optimizer = tf.train.adam(0.005);
  const variables = trainableVariables(model);
  // Each step ends by reading its result back, asynchronously: webgpu in Node has no synchronous read.
  const trainStep = async () => {
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor), variables);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      return value;
    });
    await value.data();
    value.dispose();
  };
  const inferStep = async () => {
    const logits = tf.tidy(() => model.predict(xs) as tf.Tensor);
    await logits.data();
    logits.dispose();
  };
  const result: BackendResult = { available: true, description };
  // The pure-JavaScript cpu backend takes minutes per training step (BACKENDS.md: ~135 s for a batch of 8), and a
  // software WebGPU adapter tens of seconds: a few steps are enough to show how far they are from the others.
  const slow = name === 'cpu' || software;
  process.stderr.write(`${name}: inference `);
  result.inferenceImagesPerSecond = BATCH / (await medianSeconds(inferStep, slow ? 3 : STEPS, 1));
  if (name === 'cpu') {
    result.note = 'training not measured: the pure-JavaScript cpu backend takes minutes per step of this size';
  } else {
    process.stderr.write(`${name}: training `);
    result.trainImagesPerSecond = BATCH / (await medianSeconds(trainStep, slow ? 1 : STEPS, slow ? 1 : WARMUP));
    if (software) result.note = 'a software WebGPU adapter (CPU-emulated): median of 1 training and 3 inference steps';
  }
  if (profile) profiles.set(`${name}@${widthMultiplier}`, await profileStep(trainStep));
  if (name === 'torch') {
    // The steps above must not have left libtorch: every kernel they ran is native.
    result.fallbacks = await torchFallbacks();
    result.dispatchMicroseconds = dispatchMicroseconds();
  }
  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
  return result;
}

/** Per-kernel profiles of a training step, by backend and width multiplier (`wasm@1`). */
const profiles = new Map<string, { kernel: string; ms: number; share: number }[]>();

/** Where a training step's time goes, by kernel (tf.profile's kernel times, summed per kernel name). */
async function profileStep(step: () => Promise<void>): Promise<{ kernel: string; ms: number; share: number }[]> {
  const info = await tf.profile(step);
  const byKernel = new Map<string, number>();
  // Entries named `<op>__op` time a whole op around its kernels: counting them would count twice.
  for (const k of info.kernels.filter((k) => !k.name.endsWith('__op')))
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  return [...byKernel.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([kernel, ms]) => ({ kernel, ms: Number(ms.toFixed(1)), share: Number((ms / total).toFixed(3)) }));
}

const ALL_CPUS = Math.min(8, availableParallelism());

/** wasm at a width on all logical CPUs, measured by this script in a child process with MIXENT_WASM_THREADS set. */
function wasmOnAllCpus(widthMultiplier: number): BackendResult {
  // The same Node flags as this process (tsx's loader here; none in the bundle of tools/device-bundle.sh).
  const run = spawnSync(process.execPath, [...process.execArgv, import.meta.filename], {
    env: { ...process.env, MIXENT_WASM_THREADS: String(ALL_CPUS), MIXENT_BENCH_ONE_WASM: String(widthMultiplier) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0) return { available: false, note: `the ${ALL_CPUS}-thread child failed with status ${run.status}` };
  return JSON.parse(run.stdout) as BackendResult;
}

if (process.env.MIXENT_BENCH_ONE_WASM) {
  console.log(JSON.stringify(await measure('wasm', Number(process.env.MIXENT_BENCH_ONE_WASM), false)));
  process.exit(0);
}

const only = process.env.MIXENT_BENCH_BACKENDS?.split(',').map((name) => name.trim());
const backends: Record<string, BackendResult> = {};
for (const name of BACKEND_NAMES) {
  backends[name] =
    only && !only.includes(name) ? { available: false, note: 'not measured: left out by MIXENT_BENCH_BACKENDS' } : await measure(name);
}
// The width of the sample profile (what `mixent train` runs on CPU by default), where the convolutions shrink
// with the square of the width and everything else only linearly.
const sampleWidth = PROFILES.sample.model?.widthMultiplier ?? 1;
const wasmAtSampleWidth = await measure('wasm', sampleWidth);
const torchAtSampleWidth = backends.torch?.available ? await measure('torch', sampleWidth) : undefined;
const measureAllCpus = !only || only.includes('wasm');
const wasmAllCpus = measureAllCpus ? wasmOnAllCpus(1) : undefined;
const wasmAllCpusAtSampleWidth = measureAllCpus ? wasmOnAllCpus(sampleWidth) : undefined;
const torch = runPytorchBench(['--batch', String(BATCH), '--steps', String(STEPS), '--threads', String(cpus().length)]);
const wasm = backends.wasm;
const torchBackend = backends.torch;
const ratio = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' ? Number((a / b).toFixed(3)) : null);
const result = {
  what: `VGG-5 (width ×1, 62 classes), batch ${BATCH}, Adam, cross entropy; images per second, median of ${STEPS} steps after ${WARMUP} warm-up steps`,
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, tfjs: tf.version_core },
  backends,
  pytorch: torch,
  ratios: {
    torchTrainOverPytorch: ratio(torchBackend?.trainImagesPerSecond, torch.trainImagesPerSecond),
    torchInferenceOverPytorch: ratio(torchBackend?.inferenceImagesPerSecond, torch.inferenceImagesPerSecond),
    torchTrainOverWasm: ratio(torchBackend?.trainImagesPerSecond, wasm?.trainImagesPerSecond),
    torchTrainOverWasmAtSampleWidth: ratio(torchAtSampleWidth?.trainImagesPerSecond, wasmAtSampleWidth.trainImagesPerSecond),
    wasmTrainOverPytorch: ratio(wasm?.trainImagesPerSecond, torch.trainImagesPerSecond),
    wasmInferenceOverPytorch: ratio(wasm?.inferenceImagesPerSecond, torch.inferenceImagesPerSecond),
    wasmAllCpusTrainOverPytorch: ratio(wasmAllCpus?.trainImagesPerSecond, torch.trainImagesPerSecond),
    wasmAllCpusInferenceOverPytorch: ratio(wasmAllCpus?.inferenceImagesPerSecond, torch.inferenceImagesPerSecond),
    wasmAllCpusTrainOverDefault: ratio(wasmAllCpus?.trainImagesPerSecond, wasm?.trainImagesPerSecond),
    wasmAllCpusTrainOverDefaultAtSampleWidth: ratio(wasmAllCpusAtSampleWidth?.trainImagesPerSecond, wasmAtSampleWidth.trainImagesPerSecond),
  },
  wasmAllCpus,
  wasmAtSampleWidth: { widthMultiplier: sampleWidth, ...wasmAtSampleWidth },
  wasmAllCpusAtSampleWidth: wasmAllCpusAtSampleWidth && { widthMultiplier: sampleWidth, ...wasmAllCpusAtSampleWidth },
  torchAtSampleWidth: torchAtSampleWidth && { widthMultiplier: sampleWidth, ...torchAtSampleWidth },
  wasmTrainingStepProfile: profiles.get('wasm@1'),
  wasmTrainingStepProfileAtSampleWidth: profiles.get(`wasm@${sampleWidth}`),
  torchTrainingStepProfile: profiles.get('torch@1'),
  torchTrainingStepProfileAtSampleWidth: profiles.get(`torch@${sampleWidth}`),
};
const out = join(import.meta.dirname, 'train.json');
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
console.log(`written to ${out}`);
