import { Rng, type RngState } from '@mixent/data';
import { type TrainConfig, isSameConfig } from './config.js';
import type { Evaluation } from './evaluate.js';
import { nextLearningRate } from './schedule.js';

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

/** The JSON part of a run's checkpoint: everything but tensors that a resumed run needs to continue exactly. */
export interface RunState {
  config: TrainConfig;
  /** The backend the run started on: a resumed run is exact only on the same one. */
  backend: string;
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
  /** The run's generator (batches, augmentation, schedule). */
  rng: RngState;
  /** The generator behind Math.random (dropout masks). */
  mathRandom: RngState;
}

/** The state of a run before its first epoch. */
export function initialRunState(config: TrainConfig, backend: string): RunState {
  return {
    config,
    backend,
    epoch: 0,
    learningRate: config.optimizer.learningRate,
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
}

/** What an epoch produced, for {@link advanceRunState}. */
export interface EpochOutcome {
  record: EpochRecord;
  test: Evaluation;
  validation: Evaluation | undefined;
  images: number;
  trainSeconds: number;
}

/**
 * The state after an epoch: both selections (best on test, as the reference selects; best on validation, the honest
 * one), the schedule's next learning rate (drawn from `rng`), the clocks and the generators' states.
 */
export function advanceRunState(
  state: RunState,
  outcome: EpochOutcome,
  rng: Rng,
  mathRandom: RngState,
): { state: RunState; improved: boolean } {
  const { config } = state;
  const { record, test, validation } = outcome;
  const improved = test.accuracy > state.bestTestAccuracy;
  // Without a validation split the honest selection is the last epoch: each epoch replaces the one before.
  const valImproved = validation === undefined || validation.accuracy > state.bestValAccuracy;
  const watched = config.scheduleOn === 'validation' ? valImproved : improved;
  const next: RunState = {
    ...state,
    epoch: record.epoch,
    learningRate: nextLearningRate(config.schedule, config.optimizer.learningRate, state.learningRate, watched, rng),
    ...(improved ? { bestTestAccuracy: test.accuracy, bestEpoch: record.epoch, bestPredictions: Array.from(test.predictions) } : {}),
    ...(valImproved
      ? {
          bestValAccuracy: validation?.accuracy ?? -1,
          valSelectedEpoch: record.epoch,
          valSelectedTestAccuracy: test.accuracy,
          valSelectedPredictions: Array.from(test.predictions),
        }
      : {}),
    history: [...state.history, record],
    trainSeconds: state.trainSeconds + outcome.trainSeconds,
    trainImages: state.trainImages + outcome.images,
    rng: rng.state(),
    mathRandom,
  };
  return { state: next, improved };
}

/** Why a checkpoint cannot be resumed by this process with this config, or undefined when it can. */
export function resumeRefusal(saved: RunState, config: TrainConfig, backend: string, outDir: string): string | undefined {
  if (!isSameConfig(saved.config, config)) {
    return `${outDir}: the checkpoint was made with another config (see ${outDir}/config.json); resume with the same config`;
  }
  if (saved.backend !== backend) {
    return (
      `${outDir}: the run was trained on the ${saved.backend} backend, this process runs ${backend}; ` +
      `resume with --backend ${saved.backend} (a run continues exactly only on the backend it started on)`
    );
  }
  return undefined;
}
