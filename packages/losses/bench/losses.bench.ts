// Forward + backward time of every loss relative to crossEntropy, on the tfjs cpu and wasm
// backends, at the batch shapes of VGG-5 training ([100, 62]) and testing ([1000, 62]).
// Writes bench/losses.json. Run: npm run bench [-- --backends=cpu,wasm --vgg5[=batch]]
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core registers no gradient functions in Node; the tfjs-layers bundle registers them all.
import '@tensorflow/tfjs-layers';

import type { LossFunction } from '@mixent/losses';
import { MIN_ENT_PRESET, MIX_ENT_PRESET, crossEntropy, getLoss } from '@mixent/losses';
import { vgg5 } from '@mixent/models';

const SHAPES: readonly (readonly [number, number])[] = [
  [100, 62],
  [1000, 62],
];
const WARM_UP = 30;
/** Rounds per shape; each round times every loss once, in a rotating order, so drift hits all alike. */
const ROUNDS: Record<number, number> = { 100: 100, 1000: 40 };
/** Calls per timed sample, to stay well above the timer's resolution. */
const CALLS_PER_SAMPLE: Record<number, number> = { 100: 3, 1000: 1 };

const LOSSES: readonly { name: string; loss: LossFunction }[] = [
  { name: 'cross-entropy', loss: getLoss('cross-entropy') },
  { name: 'cross-entropy (eps 0)', loss: getLoss('cross-entropy', { eps: 0 }) },
  { name: 'min-ent', loss: getLoss('min-ent') },
  { name: 'min-ent (preset)', loss: getLoss('min-ent', MIN_ENT_PRESET) },
  { name: 'mix-ent', loss: getLoss('mix-ent') },
  { name: 'mix-ent (preset)', loss: getLoss('mix-ent', MIX_ENT_PRESET) },
  { name: 'swapped-cross-entropy', loss: getLoss('swapped-cross-entropy') },
  { name: 'symmetric-cross-entropy', loss: getLoss('symmetric-cross-entropy') },
  { name: 'confidence-penalty', loss: getLoss('confidence-penalty') },
  { name: 'label-smoothing', loss: getLoss('label-smoothing') },
  { name: 'focal', loss: getLoss('focal') },
  { name: 'poly1', loss: getLoss('poly1') },
  // tfjs' own, for scale: one-hot labels and tf.losses' mean reduction.
  {
    name: 'tf.losses.softmaxCrossEntropy',
    loss: (labels, logits) =>
      tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels as tf.Tensor1D, logits.shape[1] as number), logits) as tf.Scalar),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One forward + backward pass, read back so that asynchronous backends finish inside the timing. */
function step(loss: LossFunction, labels: tf.Tensor, logits: tf.Tensor): void {
  tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => loss(labels, z))(logits);
    value.dataSync();
    grad.dataSync();
  });
}

interface LossTiming {
  medianMs: number;
  ratioToCrossEntropy: number;
}

function benchShape(n: number, k: number): Record<string, LossTiming> {
  const logits = tf.randomNormal([n, k], 0, 3, 'float32', 1);
  const labels = tf.randomUniform([n], 0, k, 'int32', 2);
  const samples = new Map(LOSSES.map(({ name }) => [name, [] as number[]]));
  for (const { loss } of LOSSES) for (let i = 0; i < WARM_UP; i++) step(loss, labels, logits);
  const calls = CALLS_PER_SAMPLE[n] ?? 1;
  for (let round = 0; round < (ROUNDS[n] ?? 50); round++) {
    for (let j = 0; j < LOSSES.length; j++) {
      const { name, loss } = LOSSES[(round + j) % LOSSES.length]!;
      const start = performance.now();
      for (let c = 0; c < calls; c++) step(loss, labels, logits);
      samples.get(name)!.push((performance.now() - start) / calls);
    }
  }
  tf.dispose([logits, labels]);
  const baseline = median(samples.get('cross-entropy')!);
  return Object.fromEntries(
    [...samples].map(([name, times]) => {
      const medianMs = median(times);
      return [name, { medianMs: round4(medianMs), ratioToCrossEntropy: round4(medianMs / baseline) }];
    }),
  );
}

/**
 * A training step of VGG-5 (@mixent/models, as the reference builds it) on 28×28 inputs, with Adam. The first step
 * is timed apart (it pays for set-up); the rest give the median.
 */
function vgg5StepMs(batch: number, steps: number): { firstStepMs: number; medianMs: number; steps: number } {
  const model = vgg5({ seed: 0 });
  const optimizer = tf.train.adam(0.005);
  const x = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 3);
  const labels = tf.randomUniform([batch], 0, 26, 'int32', 4);
  const times: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const start = performance.now();
    const cost = optimizer.minimize(() => crossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor), true);
    cost?.dataSync();
    cost?.dispose();
    times.push(performance.now() - start);
    console.log(`vgg5 step ${i}: ${(times[i]! / 1000).toFixed(1)} s`);
  }
  tf.dispose([x, labels]);
  model.dispose();
  optimizer.dispose();
  return { firstStepMs: round4(times[0]!), medianMs: round4(median(times.slice(1))), steps };
}

/** The median forward + backward time of `loss` at [n, k] over `repetitions`, after warm-up. */
function lossMs(loss: LossFunction, n: number, k: number, repetitions: number): number {
  const logits = tf.randomNormal([n, k], 0, 3, 'float32', 5);
  const labels = tf.randomUniform([n], 0, k, 'int32', 6);
  for (let i = 0; i < WARM_UP; i++) step(loss, labels, logits);
  const times = Array.from({ length: repetitions }, () => {
    const start = performance.now();
    step(loss, labels, logits);
    return performance.now() - start;
  });
  tf.dispose([logits, labels]);
  return median(times);
}

function round4(value: number): number {
  return Number(value.toPrecision(4));
}

function argument(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}`))?.split('=')[1] ?? (process.argv.includes(`--${name}`) ? '' : undefined);
}

const backends = (argument('backends') ?? 'wasm,cpu').split(',');
const vgg5Batch = argument('vgg5') === undefined ? undefined : Number(argument('vgg5') || 10);
const require = createRequire(import.meta.url);
const report: Record<string, unknown> = {
  description:
    'Forward + backward time (tf.valueAndGrad with respect to the logits, read back) of each loss, as the median over many repetitions after warm-up, and its ratio to crossEntropy with default options (eps 1e-6) measured in the same run. Labels are int32 class indices; logits ~ N(0, 3).',
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
  tfjs: (require('@tensorflow/tfjs-core/package.json') as { version: string }).version,
  date: new Date().toISOString(),
  results: {} as Record<string, unknown>,
  vgg5Step: vgg5Batch === undefined ? 'not measured in this run: pass --vgg5[=batch] (cpu backend, minutes per step)' : {},
};

for (const backend of backends) {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialize`);
  await tf.ready();
  const perShape: Record<string, unknown> = {};
  for (const [n, k] of SHAPES) {
    perShape[`[${n},${k}]`] = benchShape(n, k);
    console.log(`${backend} [${n},${k}]`, JSON.stringify(perShape[`[${n},${k}]`]));
  }
  (report.results as Record<string, unknown>)[backend] = perShape;
  // Stock tfjs-backend-wasm 4.22 cannot train a CNN (no Conv2DBackpropFilter); @mixent/training adds the kernels,
  // but depends on this package, so the step is timed on cpu here and on wasm by @mixent/training's bench.
  if (vgg5Batch !== undefined && backend === 'cpu') {
    const vgg = vgg5StepMs(vgg5Batch, 1);
    const losses = Object.fromEntries(
      LOSSES.filter(({ name }) => ['cross-entropy', 'min-ent (preset)', 'mix-ent (preset)'].includes(name)).map(({ name, loss }) => {
        const ms = lossMs(loss, vgg5Batch, 62, 50);
        return [name, { medianMs: round4(ms), percentOfStep: round4((100 * ms) / vgg.medianMs) }];
      }),
    );
    const note =
      'VGG-5 of @mixent/models, one Adam step on 28x28 inputs, timed on the cpu backend (stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel; @mixent/training adds it, but depends on this package); batch kept small because a step takes minutes there. The losses are timed at [batch, 62] in the same process; percentOfStep = 100 * loss / step, the step being the median of `steps` steps after the first (one step by default: each takes minutes here).';
    report.vgg5Step = { note, backend, batch: vgg5Batch, ...vgg, losses };
    console.log('vgg5', JSON.stringify(report.vgg5Step));
  }
}

const output = fileURLToPath(new URL('./losses.json', import.meta.url));
writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${output}`);
