import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import writeFileAtomic from 'write-file-atomic';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type LetterSet,
  Rng,
  type RngState,
  batchToTensors,
  batches,
  createProgress,
  loadLetters,
  pathExists,
  selectExamples,
  stratifiedSplit,
} from '@mixent/data';
import { type LearnableWeights, type LossFunction, type LossName, type LossOptionsByName, createLearnableWeights, getLoss } from '@mixent/losses';
import { getModel, modelName, saveModel, trainableVariables } from '@mixent/models';
import { type ConfusionMatrix, confusionMatrix } from '@mixent/reporting';
import { type NamedTensor, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { ConfigError, type TrainConfig, isSameConfig, validateConfig } from './config.js';
import { evaluate } from './evaluate.js';
import { nextLearningRate } from './schedule.js';
import { SeededMathRandom } from './seeded-random.js';

/**
 * The training path, in one place: data, model, loss, optimizer, then epochs of steps, each
 * epoch ending with an evaluation, the schedule, and a checkpoint. Everything random comes from
 * generators seeded by config.seed, whose states are checkpointed, so a resumed run repeats the
 * uninterrupted one exactly.
 */

/** Options of train() that are not part of the experiment (where and how, not what). */
export interface TrainOptions {
  /** The run directory: config, metrics, checkpoint, model, summary. */
  outDir: string;
  /** Continue from the run directory's checkpoint. */
  resume?: boolean;
  /** Show a progress bar (default true). */
  progress?: boolean;
  /** Where status lines go (default stderr). */
  log?: (line: string) => void;
  /** Called after each epoch's checkpoint is written, e.g. to watch a run. */
  onEpoch?: (record: EpochRecord) => void;
}

/** One epoch's numbers, as metrics.jsonl and the summary record them. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Running accuracy on the (augmented) training batches, dropout on. */
  trainAccuracy: number;
  /** Accuracy on the held-out validation split; absent when there is none (validationFraction 0). */
  valAccuracy?: number;
  testAccuracy: number;
  /** The learning rate used during this epoch. */
  learningRate: number;
  /** Effective loss weights at the end of the epoch, when they are learned. */
  lossWeights?: { w1: number; w2: number };
  seconds: number;
}

/** The run's result (summary.json). Accuracies are fractions in [0, 1]. */
export interface TrainSummary {
  name: string;
  /** The model's name, including its width multiplier. */
  model: string;
  loss: string;
  seed: number;
  /** Best test accuracy over epochs: the reference's selection (on the test set). */
  testAccuracy: number;
  bestEpoch: number;
  /** Test accuracy at the epoch of best validation accuracy: the honest selection. */
  valSelectedTestAccuracy: number;
  valSelectedEpoch: number;
  epochs: EpochRecord[];
  /** Training images per second (training steps only). */
  imagesPerSecond: number;
  counts: { train: number; validation: number; test: number };
  /** Accuracy of each class at the best epoch (null for classes absent from the test set). */
  perClassAccuracy: (number | null)[];
  /** Confusion matrix at the best epoch: row = true class, column = predicted class. */
  confusionMatrix: ConfusionMatrix;
  backend: string;
}

/** What the run directory's predictions.json holds: paired per-example predictions for statistics. */
export interface RunPredictions {
  labels: number[];
  /** At the reference-selected epoch (best test accuracy). */
  bestEpoch: number[];
  /** At the validation-selected epoch. */
  valSelectedEpoch: number[];
}

/** A run stopped because the loss was not finite; the last good checkpoint is kept. */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
}

interface RunState {
  config: TrainConfig;
  /** The backend the run started on: a resumed run is exact only on the same one (absent in older checkpoints). */
  backend?: string;
  /** Last finished epoch. */
  epoch: number;
  learningRate: number;
  bestTestAccuracy: number;
  bestEpoch: number;
  bestValAccuracy: number;
  valSelectedEpoch: number;
  valSelectedTestAccuracy: number;
  bestPredictions: number[];
  valSelectedPredictions: number[];
  history: EpochRecord[];
  trainSeconds: number;
  trainImages: number;
  rng: RngState;
  mathRandom: RngState;
}

/** The data of a run: the training split, the validation split and the test set. */
export interface RunData {
  train: LetterSet;
  validation: LetterSet;
  test: LetterSet;
}

/**
 * Loads the dataset and splits it: a validation split held out from the training images
 * (stratified), then optional limits. The splits depend on the data alone, not on the seed, so
 * every row and seed of a table sees the same test images (paired statistics need that).
 */
export async function loadRunData(config: TrainConfig): Promise<RunData> {
  const [trainAll, testAll] = await Promise.all([loadLetters(config.data.dataset, 'train'), loadLetters(config.data.dataset, 'test')]);
  const { validationFraction, trainLimit, testLimit } = config.data;
  const split = stratifiedSplit(trainAll.labels, Rng.fromSeed('mixent/validation'), (n) => Math.round(n * validationFraction));
  const trainIndices = trainLimit === null ? split.rest : Rng.fromSeed('mixent/train-limit').shuffle([...split.rest]).slice(0, trainLimit).sort((a, b) => a - b);
  const test =
    testLimit === null || testLimit >= testAll.count
      ? testAll
      : selectExamples(testAll, stratifiedSplit(testAll.labels, Rng.fromSeed('mixent/test-limit'), (n) => Math.round((n * testLimit) / testAll.count)).taken);
  return { train: selectExamples(trainAll, trainIndices), validation: selectExamples(trainAll, split.taken), test };
}

/** Why a checkpoint cannot be resumed by this process with this config, or undefined when it can. */
function resumeRefusal(saved: RunState, config: TrainConfig, outDir: string): string | undefined {
  if (!isSameConfig(saved.config, config)) {
    return `${outDir}: the checkpoint was made with another config (see ${join(outDir, 'config.json')}); resume with the same config`;
  }
  const backend = tf.getBackend();
  if (saved.backend !== undefined && saved.backend !== backend) {
    return `${outDir}: the run was trained on the ${saved.backend} backend, this process runs ${backend}; resume with --backend ${saved.backend} (a run continues exactly only on the backend it started on)`;
  }
  return undefined;
}

/** Trains a model as the config says, writing everything into options.outDir; returns the summary. */
export async function train(configInput: TrainConfig, options: TrainOptions): Promise<TrainSummary> {
  const config = validateConfig(configInput);
  const { loss: lossConfig } = config;
  if (lossConfig.learnableWeights && lossConfig.name !== 'min-ent' && lossConfig.name !== 'mix-ent') {
    throw new ConfigError(`loss.learnableWeights: only 'min-ent' and 'mix-ent' have weights w1, w2 to learn, not '${lossConfig.name}'`);
  }
  // Checks the loss name and options before any work; the learnable case rebuilds it each step.
  const fixedLoss = lossFromConfig(lossConfig.name, lossConfig.options);
  const { outDir } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await mkdir(outDir, { recursive: true });
  if (!options.resume && (await pathExists(join(outDir, 'metrics.jsonl')))) {
    throw new Error(`${outDir} already holds a run: resume it (--resume) or choose another output directory`);
  }
  // The data before the checkpoint: a checkpoint's tensors must not be left behind when the data fails to load.
  const data = await loadRunData(config);
  const checkpoint = options.resume ? await loadCheckpoint<RunState>(outDir) : undefined;
  if (options.resume && !checkpoint) log(`${outDir}: no checkpoint to resume from; starting from epoch 1`);
  const refusal = checkpoint && resumeRefusal(checkpoint.state, config, outDir);
  if (checkpoint && refusal) {
    tf.dispose(checkpoint.tensors.map((t) => t.tensor));
    throw new Error(refusal);
  }

  const environment = {
    backend: tf.getBackend(),
    versions: { tfjsCore: tf.version_core, node: process.version },
    platform: `${process.platform}-${process.arch}`,
    seed: config.seed,
    model: modelName(config.model.name, config.model.widthMultiplier),
    counts: { train: data.train.count, validation: data.validation.count, test: data.test.count },
  };
  await writeFileAtomic(join(outDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'env.json'), `${JSON.stringify(environment, null, 2)}\n`);

  const { learningRate, beta1, beta2, epsilon } = config.optimizer;
  let state: RunState = checkpoint?.state ?? {
    config,
    backend: environment.backend,
    epoch: 0,
    learningRate,
    bestTestAccuracy: -1,
    bestEpoch: 0,
    bestValAccuracy: -1,
    valSelectedEpoch: 0,
    valSelectedTestAccuracy: Number.NaN,
    bestPredictions: [],
    valSelectedPredictions: [],
    history: [],
    trainSeconds: 0,
    trainImages: 0,
    rng: Rng.fromSeed(config.seed).state(),
    mathRandom: Rng.fromSeed(`${config.seed}/tfjs`).state(),
  };
  const model = getModel(config.model.name, {
    numClasses: config.model.numClasses,
    dropout: config.model.dropout,
    widthMultiplier: config.model.widthMultiplier,
    seed: config.seed,
  });
  const learnable = lossConfig.learnableWeights
    ? createLearnableWeights(
        { w1: lossConfig.options.w1 ?? 1, w2: lossConfig.options.w2 ?? 1 },
        { maxRatio: lossConfig.learnableWeights.maxRatio },
      )
    : undefined;
  const optimizer = tf.train.adam(learningRate, beta1, beta2, epsilon);
  const weightsOptimizer = lossConfig.learnableWeights ? tf.train.adam(lossConfig.learnableWeights.learningRate, beta1, beta2, epsilon) : undefined;
  const mathRandom = SeededMathRandom.install(state.mathRandom);
  try {
    if (checkpoint) {
      await restoreTensors(checkpoint.tensors, model, optimizer, learnable, weightsOptimizer);
      log(`${outDir}: resumed after epoch ${state.epoch}`);
    }
    const metrics = await openMetrics(join(outDir, 'metrics.jsonl'), state.epoch);
    const rng = Rng.fromState(state.rng);
    const modelVariables = trainableVariables(model);
    const weightVariables = learnable ? [...learnable.variables] : [];

    for (let epoch = state.epoch + 1; epoch <= config.epochs; epoch++) {
      setLearningRate(optimizer, state.learningRate);
      const started = performance.now();
      const progress = options.progress === false ? undefined : createProgress({ label: `${config.name} epoch ${epoch}/${config.epochs}`, total: data.train.count });
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let step = 0;
      try {
        for (const batch of batches(data.train, { batchSize: config.batchSize, rng, augment: config.data.augment })) {
          step++;
          const [lossValue, batchCorrect] = await trainStep(model, batch, modelVariables, weightVariables, optimizer, weightsOptimizer, (labels, logits) => {
            if (!learnable) return fixedLoss(labels, logits);
            const { w1, w2 } = learnable.weights();
            return lossFromConfig(lossConfig.name, { ...lossConfig.options, w1, w2 })(labels, logits);
          });
          if (!Number.isFinite(lossValue)) {
            throw new DivergenceError(
              `${config.name}: the loss is ${lossValue} at epoch ${epoch}, step ${step}; stopped. ` +
                (state.epoch > 0 ? `The last good checkpoint (end of epoch ${state.epoch}) is kept in ${join(outDir, 'checkpoint')}.` : 'No epoch had finished, so there is no checkpoint.'),
            );
          }
          lossSum += lossValue * batch.size;
          correct += batchCorrect;
          seen += batch.size;
          progress?.update(seen, `loss ${(lossSum / seen).toFixed(4)} acc ${(correct / seen).toFixed(4)}`);
          if (step % config.logEvery === 0) await metrics.append({ type: 'step', epoch, step, loss: lossValue, accuracy: batchCorrect / batch.size, learningRate: state.learningRate });
        }
      } finally {
        // Also on a divergence, so that a terminal gets its cursor back.
        progress?.stop();
      }
      const trainSeconds = (performance.now() - started) / 1000;
      // The loss is read before each update: the last update of an epoch can break the weights unseen.
      const broken = await firstNonFinite([...model.weights.map((w) => ({ name: w.name, tensor: w.read() })), ...weightVariables.map((v) => ({ name: v.name, tensor: v }))]);
      if (broken !== undefined) {
        throw new DivergenceError(
          `${config.name}: ${broken} holds NaN or infinite values after epoch ${epoch}; stopped before evaluating or saving it. ` +
            (state.epoch > 0 ? `The last good checkpoint (end of epoch ${state.epoch}) is kept in ${join(outDir, 'checkpoint')}.` : 'No epoch had finished, so there is no checkpoint.'),
        );
      }

      const validation = data.validation.count > 0 ? await evaluate(model, data.validation, config.evalBatchSize) : undefined;
      const test = await evaluate(model, data.test, config.evalBatchSize);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        trainAccuracy: correct / seen,
        ...(validation ? { valAccuracy: validation.accuracy } : {}),
        testAccuracy: test.accuracy,
        learningRate: state.learningRate,
        ...(learnable ? { lossWeights: await learnable.read() } : {}),
        seconds: (performance.now() - started) / 1000,
      };
      const improved = test.accuracy > state.bestTestAccuracy;
      // Without a validation split the honest selection is the last epoch: each epoch replaces the one before.
      const valImproved = validation === undefined || validation.accuracy > state.bestValAccuracy;
      state = {
        ...state,
        epoch,
        learningRate: nextLearningRate(config.schedule, learningRate, state.learningRate, config.scheduleOn === 'validation' ? valImproved : improved, rng),
        ...(improved ? { bestTestAccuracy: test.accuracy, bestEpoch: epoch, bestPredictions: Array.from(test.predictions) } : {}),
        ...(valImproved
          ? { bestValAccuracy: validation?.accuracy ?? -1, valSelectedEpoch: epoch, valSelectedTestAccuracy: test.accuracy, valSelectedPredictions: Array.from(test.predictions) }
          : {}),
        history: [...state.history, record],
        trainSeconds: state.trainSeconds + trainSeconds,
        trainImages: state.trainImages + seen,
        rng: rng.state(),
        mathRandom: mathRandom.state(),
      };
      if (improved) await saveModel(model, join(outDir, 'model'));
      await metrics.append({ type: 'epoch', ...record });
      log(
        `${config.name} epoch ${epoch}/${config.epochs}: loss ${record.loss.toFixed(4)}, train ${pct(record.trainAccuracy)}, ` +
          `${record.valAccuracy !== undefined ? `val ${pct(record.valAccuracy)}, ` : ''}test ${pct(record.testAccuracy)}${improved ? ' (best)' : ''}, ${(seen / trainSeconds).toFixed(1)} img/s`,
      );
      const tensors = await collectTensors(model, optimizer, learnable, weightsOptimizer);
      try {
        await saveCheckpoint(outDir, { state, tensors: tensors.named });
      } finally {
        tf.dispose(tensors.temporary);
      }
      options.onEpoch?.(record);
    }
  } finally {
    mathRandom.uninstall();
    model.dispose();
    optimizer.dispose();
    weightsOptimizer?.dispose();
    learnable?.dispose();
  }

  const testLabels = Array.from(data.test.labels);
  const confusion = confusionMatrix(state.bestPredictions, testLabels, config.model.numClasses);
  const summary: TrainSummary = {
    name: config.name,
    model: environment.model,
    loss: lossConfig.name,
    seed: config.seed,
    testAccuracy: state.bestTestAccuracy,
    bestEpoch: state.bestEpoch,
    valSelectedTestAccuracy: state.valSelectedTestAccuracy,
    valSelectedEpoch: state.valSelectedEpoch,
    epochs: state.history,
    imagesPerSecond: state.trainImages / state.trainSeconds,
    counts: environment.counts,
    perClassAccuracy: confusion.map((row, c) => {
      const total = row.reduce((a, b) => a + b, 0);
      return total === 0 ? null : (row[c] as number) / total;
    }),
    confusionMatrix: confusion,
    backend: environment.backend,
  };
  const predictions: RunPredictions = {
    labels: testLabels,
    bestEpoch: state.bestPredictions,
    valSelectedEpoch: state.valSelectedPredictions,
  };
  await writeFileAtomic(join(outDir, 'predictions.json'), JSON.stringify(predictions));
  await writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** A loss of the registry by a config's name and options, which the registry checks at run time. */
function lossFromConfig(name: string, options: Record<string, number | tf.Scalar>): LossFunction {
  return getLoss(name as LossName, options as LossOptionsByName[LossName]);
}

/** One optimizer step on a batch; returns the loss and the number of correct predictions. */
async function trainStep(
  model: tfl.LayersModel,
  batch: Parameters<typeof batchToTensors>[0],
  modelVariables: tf.Variable[],
  weightVariables: tf.Variable[],
  optimizer: tf.Optimizer,
  weightsOptimizer: tf.Optimizer | undefined,
  loss: (labels: tf.Tensor, logits: tf.Tensor) => tf.Scalar,
): Promise<[number, number]> {
  const [lossTensor, correctTensor] = tf.tidy(() => {
    const { xs, ys } = batchToTensors(batch);
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'int32')) as tf.Scalar);
      return loss(ys, logits);
    }, [...modelVariables, ...weightVariables]);
    optimizer.applyGradients(Object.fromEntries(modelVariables.map((v) => [v.name, grads[v.name] as tf.Tensor])));
    weightsOptimizer?.applyGradients(Object.fromEntries(weightVariables.map((v) => [v.name, grads[v.name] as tf.Tensor])));
    return [value, correct as tf.Scalar];
  });
  const values: [number, number] = [(await lossTensor.data())[0] as number, (await correctTensor.data())[0] as number];
  tf.dispose([lossTensor, correctTensor]);
  return values;
}

/** The name of the first tensor that holds a NaN or an infinity, if any (read asynchronously: webgpu has no sync read). */
async function firstNonFinite(tensors: readonly { name: string; tensor: tf.Tensor }[]): Promise<string | undefined> {
  const flags = tf.tidy(() => tf.stack(tensors.map(({ tensor }) => tf.all(tf.isFinite(tensor)))));
  const finite = await flags.data();
  flags.dispose();
  const index = finite.findIndex((ok) => !ok);
  return index < 0 ? undefined : tensors[index]?.name;
}

/** tfjs optimizers read `learningRate` at every step but offer no setter. */
function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}

/** Adam's running beta powers: restored as saved, since recomputing them with pow() differs in the last bit. */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/** Every tensor a checkpoint holds; `temporary` ones were made for it and must be disposed after. */
async function collectTensors(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  learnable: LearnableWeights | undefined,
  weightsOptimizer: tf.Optimizer | undefined,
): Promise<{ named: NamedTensor[]; temporary: tf.Tensor[] }> {
  const tensors: NamedTensor[] = model.weights.map((w, i) => ({ name: `model/${i}`, tensor: w.read() }));
  const temporary: tf.Tensor[] = [];
  const addOptimizer = async (prefix: string, opt: tf.Optimizer) => {
    for (const [i, { name, tensor }] of (await opt.getWeights()).entries()) {
      // getWeights() makes a new scalar for the step count; the moments are the optimizer's own variables.
      if (name === 'iter') temporary.push(tensor);
      tensors.push({ name: `${prefix}/${i}`, tensor });
    }
    const { accBeta1, accBeta2 } = opt as unknown as AdamInternals;
    tensors.push({ name: `${prefix}/accBeta1`, tensor: accBeta1 }, { name: `${prefix}/accBeta2`, tensor: accBeta2 });
  };
  await addOptimizer('optimizer', optimizer);
  if (learnable && weightsOptimizer) {
    learnable.variables.forEach((v, i) => tensors.push({ name: `loss-weights/${i}`, tensor: v }));
    await addOptimizer('loss-weights-optimizer', weightsOptimizer);
  }
  return { named: tensors, temporary };
}

async function restoreTensors(
  tensors: NamedTensor[],
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  learnable: LearnableWeights | undefined,
  weightsOptimizer: tf.Optimizer | undefined,
): Promise<void> {
  const byPrefix = (prefix: string) => tensors.filter((t) => t.name.startsWith(`${prefix}/`) && !t.name.includes('/accBeta'));
  const find = (name: string) => {
    const found = tensors.find((t) => t.name === name);
    if (!found) throw new Error(`the checkpoint has no tensor ${name}`);
    return found.tensor;
  };
  const restoreOptimizer = async (prefix: string, opt: tf.Optimizer) => {
    await opt.setWeights(byPrefix(prefix).map((t, i) => ({ name: i === 0 ? 'iter' : t.name, tensor: t.tensor })));
    const internals = opt as unknown as AdamInternals;
    internals.accBeta1.assign(find(`${prefix}/accBeta1`) as tf.Scalar);
    internals.accBeta2.assign(find(`${prefix}/accBeta2`) as tf.Scalar);
  };
  try {
    model.setWeights(byPrefix('model').map((t) => t.tensor));
    await restoreOptimizer('optimizer', optimizer);
    if (learnable && weightsOptimizer) {
      learnable.variables.forEach((v, i) => v.assign(find(`loss-weights/${i}`)));
      await restoreOptimizer('loss-weights-optimizer', weightsOptimizer);
    }
  } finally {
    tf.dispose(tensors.map((t) => t.tensor));
  }
}

interface MetricsLog {
  append(record: Record<string, unknown>): Promise<void>;
}

/**
 * metrics.jsonl: one JSON line per logged step and per epoch, appended. On resume, the lines of
 * epochs after the checkpoint (and a line torn by the kill) are dropped, so the file ends as an
 * uninterrupted run's would.
 */
async function openMetrics(path: string, keepThroughEpoch: number): Promise<MetricsLog> {
  const kept = (await pathExists(path) ? (await readFile(path, 'utf8')).split('\n') : []).filter((line) => {
    try {
      return (JSON.parse(line) as { epoch: number }).epoch <= keepThroughEpoch;
    } catch {
      return false;
    }
  });
  await writeFileAtomic(path, kept.map((line) => `${line}\n`).join(''));
  return {
    append: (record) => appendFile(path, `${JSON.stringify(record)}\n`),
  };
}

function pct(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}
