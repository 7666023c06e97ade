import * as tf from '@tensorflow/tfjs-core';
import { type Batch, batches } from '@mixent/data';
import { evaluate } from './evaluate.js';
import { type EpochRecord, advanceRunState } from './run-state.js';
import { setLearningRate } from './tfjs-internals.js';
import { type TrainerState, trainStep, trainedTensors } from './trainer.js';

/*
 * One epoch of the training loop, as Node's train() and a web page run it alike: the steps, a check of the
 * weights, the evaluation and the next run state (schedule, selections, generators). What an epoch leaves on a
 * file system (the best model, metrics.jsonl, the checkpoint) is train.ts's.
 */

/** One optimizer step of an epoch, as the epoch reports it. */
export interface StepReport {
  epoch: number;
  /** 1 for the first step of the epoch. */
  step: number;
  /** The batch's loss before the update. */
  loss: number;
  /** Correct predictions on the batch (in training mode, before the update). */
  correct: number;
  batch: Batch;
}

/** An epoch's running sums over its steps so far: loss weighted by batch size, correct predictions, images. */
export interface EpochTotals {
  loss: number;
  correct: number;
  seen: number;
}

/** What the caller of runEpoch hears, and how it stops a run that diverged. */
export interface EpochHooks {
  /** After each step, once it is added to the totals; it may wait (a page lets the browser paint). */
  onStep?: (report: StepReport, totals: Readonly<EpochTotals>) => void | Promise<void>;
  /** The error to throw when the loss or the weights stop being finite; `what` says where. */
  diverged: (what: string) => Error;
}

/** What an epoch produced; the trainer's run state has already moved past it. */
export interface EpochResult {
  record: EpochRecord;
  /** Whether its test accuracy is the best so far (the reference keeps that epoch's model). */
  improved: boolean;
  /** Training images per second over its steps. */
  imagesPerSecond: number;
}

/** Trains one epoch at the run state's learning rate, evaluates it and advances `trainer.run`. */
export async function runEpoch(trainer: TrainerState, hooks: EpochHooks): Promise<EpochResult> {
  const epoch = trainer.run.epoch + 1;
  setLearningRate(trainer.optimizer, trainer.run.learningRate);
  const started = performance.now();
  const totals = await trainSteps(trainer, epoch, hooks);
  const trainSeconds = (performance.now() - started) / 1000;
  // The loss is read before each update: the last update of an epoch can break the weights unseen.
  const broken = await firstNonFinite(trainedTensors(trainer));
  if (broken !== undefined)
    throw hooks.diverged(`${broken} holds NaN or infinite values after epoch ${epoch}; stopped before evaluating or saving it.`);
  const { model, data, config, learnable } = trainer;
  const validation = data.validation.count > 0 ? await evaluate(model, data.validation, config.evalBatchSize) : undefined;
  const test = await evaluate(model, data.test, config.evalBatchSize);
  const record: EpochRecord = {
    epoch,
    loss: totals.loss / totals.seen,
    trainAccuracy: totals.correct / totals.seen,
    ...(validation ? { valAccuracy: validation.accuracy } : {}),
    testAccuracy: test.accuracy,
    learningRate: trainer.run.learningRate,
    ...(learnable ? { lossWeights: await learnable.weights.read() } : {}),
    seconds: (performance.now() - started) / 1000,
  };
  const outcome = { record, test, validation, images: totals.seen, trainSeconds };
  const { state, improved } = advanceRunState(trainer.run, outcome, trainer.rng, trainer.mathRandom.state());
  trainer.run = state;
  return { record, improved, imagesPerSecond: totals.seen / trainSeconds };
}

/** The steps of one epoch: the training split in batches drawn from the trainer's generator, one step each. */
async function trainSteps(trainer: TrainerState, epoch: number, hooks: EpochHooks): Promise<EpochTotals> {
  const { config, data } = trainer;
  const totals: EpochTotals = { loss: 0, correct: 0, seen: 0 };
  let step = 0;
  for (const batch of batches(data.train, { batchSize: config.batchSize, rng: trainer.rng, augment: config.data.augment })) {
    step++;
    const { loss, correct } = await trainStep(trainer, batch);
    if (!Number.isFinite(loss)) throw hooks.diverged(`the loss is ${loss} at epoch ${epoch}, step ${step}; stopped.`);
    totals.loss += loss * batch.size;
    totals.correct += correct;
    totals.seen += batch.size;
    await hooks.onStep?.({ epoch, step, loss, correct, batch }, totals);
  }
  return totals;
}

/** The name of the first tensor that holds a NaN or an infinity, if any (read asynchronously: webgpu has no sync read). */
async function firstNonFinite(tensors: readonly { name: string; tensor: tf.Tensor }[]): Promise<string | undefined> {
  const flags = tf.tidy(() => tf.stack(tensors.map(({ tensor }) => tf.all(tf.isFinite(tensor)))));
  const finite = await flags.data();
  flags.dispose();
  const index = finite.findIndex((ok) => !ok);
  return index < 0 ? undefined : tensors[index]?.name;
}
