import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import writeFileAtomic from 'write-file-atomic';
import { saveModel } from '@mixent/models';
import { createProgress, pathExists } from '@mixent/node-io';
import { type NamedTensor, loadCheckpoint } from './checkpoint.js';
import { ConfigError, type TrainConfig, validateConfig } from './config.js';
import { type MetricsLog, openMetrics } from './metrics-log.js';
import { type EpochResult, type StepReport, runEpoch } from './epoch.js';
import { loadRunData } from './load-run-data.js';
import { type EpochRecord, type RunState, initialRunState, resumeRefusal } from './run-state.js';
import {
  type RunEnvironment,
  type TrainerState,
  createTrainer,
  describeRunEnvironment,
  disposeTrainer,
  lossFromConfig,
} from './trainer.js';
import { restoreTrainer, saveTrainerCheckpoint } from './trainer-checkpoint.js';

/*
 * The training path, top to bottom: set up (config, run folder, data, checkpoint, model and optimizers), then
 * epochs of steps, each ending with an evaluation, the schedule and a checkpoint, then the summary. Everything
 * random comes from generators seeded by config.seed, whose states are checkpointed, so a resumed run repeats
 * the uninterrupted one exactly.
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

/** The run's result (summary.json). Accuracies are fractions in [0, 1]. */
export interface TrainSummary {
  name: string;
  /** The model's name, including its width multiplier. */
  model: string;
  loss: string;
  seed: number;
  /** Best test accuracy over epochs, the epoch chosen on the test set itself (the reference's selection): optimistic. */
  bestTestAccuracy: number;
  bestEpoch: number;
  /** Test accuracy at the epoch of best validation accuracy: the honest figure. */
  valSelectedTestAccuracy: number;
  valSelectedEpoch: number;
  epochs: EpochRecord[];
  /** Training images per second (training steps only). */
  imagesPerSecond: number;
  counts: RunEnvironment['counts'];
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

/** A run stopped because the loss or the weights were not finite; the last good checkpoint is kept. */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
}

/** A trainer with its run folder: where train() writes the model, metrics.jsonl and checkpoints, and how it reports. */
type FolderTrainer = TrainerState & {
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly showProgress: boolean;
  readonly metrics: MetricsLog;
};

/** Trains a model as the config says, writing everything into options.outDir; returns the summary. */
export async function train(configInput: TrainConfig, options: TrainOptions): Promise<TrainSummary> {
  const config = checkTrainConfig(configInput);
  const { outDir } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await claimRunFolder(outDir, options.resume === true);
  // The data before the checkpoint: a checkpoint's tensors must not be left behind when the data fails to load.
  const data = await loadRunData(config);
  const checkpoint = options.resume ? await openCheckpoint(config, outDir, log) : undefined;
  const environment = describeRunEnvironment(config, data, { node: process.version, platform: `${process.platform}-${process.arch}` });
  await writeFileAtomic(join(outDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'env.json'), `${JSON.stringify(environment, null, 2)}\n`);
  const run = checkpoint?.state ?? initialRunState(config, environment.backend);
  const metrics = await openMetrics(join(outDir, 'metrics.jsonl'), run.epoch);
  const trainer = createTrainer({ config, outDir, log, showProgress: options.progress !== false, data, environment, metrics, run });
  try {
    if (checkpoint) {
      await restoreTrainer(trainer, checkpoint.tensors);
      log(`${outDir}: resumed after epoch ${run.epoch}`);
    }
    while (trainer.run.epoch < config.epochs) {
      await trainEpoch(trainer);
      options.onEpoch?.(trainer.run.history.at(-1) as EpochRecord);
    }
  } finally {
    disposeTrainer(trainer);
  }
  return writeSummary(trainer);
}

/** Validates the config, and the loss it names, before any work. */
function checkTrainConfig(input: TrainConfig): TrainConfig {
  const config = validateConfig(input);
  const { name, options, learnableWeights } = config.loss;
  if (learnableWeights && name !== 'min-ent' && name !== 'mix-ent') {
    throw new ConfigError(`loss.learnableWeights: only 'min-ent' and 'mix-ent' have weights w1, w2 to learn, not '${name}'`);
  }
  lossFromConfig(name, options);
  return config;
}

/** Makes the run folder; one that holds a run is refused unless it is to be resumed. */
async function claimRunFolder(outDir: string, resume: boolean): Promise<void> {
  await mkdir(outDir, { recursive: true });
  if (!resume && (await pathExists(join(outDir, 'metrics.jsonl')))) {
    throw new Error(`${outDir} already holds a run: resume it (--resume) or choose another output directory`);
  }
}

/** The run folder's checkpoint, if any, once it is known to belong to this config and backend. */
async function openCheckpoint(
  config: TrainConfig,
  outDir: string,
  log: (line: string) => void,
): Promise<{ state: RunState; tensors: NamedTensor[] } | undefined> {
  const checkpoint = await loadCheckpoint<RunState>(outDir);
  if (!checkpoint) {
    log(`${outDir}: no checkpoint to resume from; starting from epoch 1`);
    return undefined;
  }
  const refusal = resumeRefusal(checkpoint.state, config, tf.getBackend(), outDir);
  if (refusal) {
    tf.dispose(checkpoint.tensors.map((t) => t.tensor));
    throw new Error(refusal);
  }
  return checkpoint;
}

/** One epoch (epoch.ts), then what it leaves in the run folder: the best model, metrics.jsonl and a checkpoint. */
async function trainEpoch(trainer: FolderTrainer): Promise<void> {
  const { config, data } = trainer;
  const label = `${config.name} epoch ${trainer.run.epoch + 1}/${config.epochs}`;
  const progress = trainer.showProgress ? createProgress({ label, total: data.train.count }) : undefined;
  let result: EpochResult;
  try {
    result = await runEpoch(trainer, {
      onStep: async (report, totals) => {
        progress?.update(totals.seen, `loss ${(totals.loss / totals.seen).toFixed(4)} acc ${(totals.correct / totals.seen).toFixed(4)}`);
        await logStep(trainer, report);
      },
      diverged: (what) => divergence(trainer, what),
    });
  } finally {
    // Also on a divergence, so that a terminal gets its cursor back.
    progress?.stop();
  }
  const { record, improved, imagesPerSecond } = result;
  if (improved) await saveModel(trainer.model, join(trainer.outDir, 'model'));
  await trainer.metrics.append({ type: 'epoch', ...record });
  trainer.log(epochLine(config, record, improved, imagesPerSecond));
  await saveTrainerCheckpoint(trainer);
}

/** Every config.logEvery-th step, its line of metrics.jsonl. */
async function logStep(trainer: FolderTrainer, { epoch, step, loss, correct, batch }: StepReport): Promise<void> {
  if (step % trainer.config.logEvery !== 0) return;
  await trainer.metrics.append({ type: 'step', epoch, step, loss, accuracy: correct / batch.size, learningRate: trainer.run.learningRate });
}

/** A DivergenceError that says what broke and which checkpoint is left. */
function divergence({ config, run, outDir }: FolderTrainer, what: string): DivergenceError {
  const left =
    run.epoch > 0
      ? `The last good checkpoint (end of epoch ${run.epoch}) is kept in ${join(outDir, 'checkpoint')}.`
      : 'No epoch had finished, so there is no checkpoint.';
  return new DivergenceError(`${config.name}: ${what} ${left}`);
}

function epochLine(config: TrainConfig, record: EpochRecord, improved: boolean, imagesPerSecond: number): string {
  const val = record.valAccuracy !== undefined ? `val ${pct(record.valAccuracy)}, ` : '';
  return (
    `${config.name} epoch ${record.epoch}/${config.epochs}: loss ${record.loss.toFixed(4)}, train ${pct(record.trainAccuracy)}, ` +
    `${val}test ${pct(record.testAccuracy)}${improved ? ' (best)' : ''}, ${imagesPerSecond.toFixed(1)} img/s`
  );
}

function pct(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

/** Writes predictions.json and summary.json from the finished run's state. */
async function writeSummary({ config, run, data, environment, outDir }: FolderTrainer): Promise<TrainSummary> {
  const summary: TrainSummary = {
    name: config.name,
    model: environment.model,
    loss: config.loss.name,
    seed: config.seed,
    bestTestAccuracy: run.bestTestAccuracy,
    bestEpoch: run.bestEpoch,
    valSelectedTestAccuracy: run.valSelectedTestAccuracy,
    valSelectedEpoch: run.valSelectedEpoch,
    epochs: run.history,
    imagesPerSecond: run.trainImages / run.trainSeconds,
    counts: environment.counts,
    backend: environment.backend,
  };
  const predictions: RunPredictions = {
    labels: Array.from(data.test.labels),
    bestEpoch: run.bestPredictions,
    valSelectedEpoch: run.valSelectedPredictions,
  };
  await writeFileAtomic(join(outDir, 'predictions.json'), JSON.stringify(predictions));
  await writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
