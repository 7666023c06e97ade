import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Batch, Rng, batchToTensors } from '@mixent/data';
import {
  type LearnableWeights,
  type LossFunction,
  type LossName,
  type LossOptionsByName,
  createLearnableWeights,
  getLoss,
} from '@mixent/losses';
import { getModel, modelName, trainableVariables } from '@mixent/models';
import type { TrainConfig } from './config.js';
import type { RunData } from './run-data.js';
import type { RunState } from './run-state.js';
import { SeededMathRandom } from './seeded-random.js';

/** Where and on what a run trains, as env.json records it. */
export interface RunEnvironment {
  backend: string;
  versions: { tfjsCore: string; node: string };
  platform: string;
  seed: number;
  model: string;
  counts: { train: number; validation: number; test: number };
}

/**
 * What a run records of where it ran (env.json): the backend and tfjs release, the host (`node`: Node's version,
 * 'none' in a browser; `platform`), the seed, the model and the counts of its data.
 */
export function describeRunEnvironment(config: TrainConfig, data: RunData, host: { node: string; platform: string }): RunEnvironment {
  return {
    backend: tf.getBackend(),
    versions: { tfjsCore: tf.version_core, node: host.node },
    platform: host.platform,
    seed: config.seed,
    model: modelName(config.model.name, config.model.widthMultiplier),
    counts: { train: data.train.count, validation: data.validation.count, test: data.test.count },
  };
}

/** Everything a training run holds while it runs; the functions of the loop take and update this one object. */
export interface TrainerState {
  readonly config: TrainConfig;
  readonly data: RunData;
  readonly environment: RunEnvironment;
  readonly model: tfl.LayersModel;
  readonly modelVariables: tf.Variable[];
  /** The loss weights w1, w2 and their own optimizer, when the config learns them. */
  readonly learnable: { weights: LearnableWeights; optimizer: tf.AdamOptimizer } | undefined;
  readonly optimizer: tf.AdamOptimizer;
  /** Batches, augmentation and the schedule draw from it; dropout draws from `mathRandom`. */
  readonly rng: Rng;
  readonly mathRandom: SeededMathRandom;
  /** Replaced at the end of each epoch; it is what a checkpoint saves besides tensors. */
  run: RunState;
}

/** What {@link createTrainer} is given beyond the tfjs objects it makes. */
export type TrainerContext = Pick<TrainerState, 'config' | 'data' | 'environment' | 'run'>;

/** A loss of the registry by a config's name and options, which the registry checks at run time. */
export function lossFromConfig(name: string, options: Record<string, number | tf.Scalar>): LossFunction {
  return getLoss(name as LossName, options as LossOptionsByName[LossName]);
}

/**
 * Makes the model (initialized from the seed), Adam, the learnable loss weights and their Adam, and installs the
 * seeded Math.random at `context.run`'s state; what else the context holds (train()'s run folder) is kept. Undo it
 * with {@link disposeTrainer}.
 */
export function createTrainer<Context extends TrainerContext>(context: Context): TrainerState & Context {
  const { config, run } = context;
  const { learningRate, beta1, beta2, epsilon } = config.optimizer;
  const { widthMultiplier, numClasses, dropout } = config.model;
  const model = getModel(config.model.name, { numClasses, dropout, widthMultiplier, seed: config.seed });
  const learned = config.loss.learnableWeights;
  const learnable = learned
    ? {
        weights: createLearnableWeights(
          { w1: config.loss.options.w1 ?? 1, w2: config.loss.options.w2 ?? 1 },
          { maxRatio: learned.maxRatio },
        ),
        optimizer: tf.train.adam(learned.learningRate, beta1, beta2, epsilon),
      }
    : undefined;
  return {
    ...context,
    model,
    modelVariables: trainableVariables(model),
    learnable,
    optimizer: tf.train.adam(learningRate, beta1, beta2, epsilon),
    rng: Rng.fromState(run.rng),
    mathRandom: SeededMathRandom.install(run.mathRandom),
  };
}

/** Frees what createTrainer made and puts Math.random back. */
export function disposeTrainer(trainer: TrainerState): void {
  trainer.mathRandom.uninstall();
  trainer.model.dispose();
  trainer.optimizer.dispose();
  trainer.learnable?.optimizer.dispose();
  trainer.learnable?.weights.dispose();
}

/** The config's loss, with the current loss weights when they are learned. */
function currentLoss({ config, learnable }: TrainerState): LossFunction {
  if (!learnable) return lossFromConfig(config.loss.name, config.loss.options);
  return lossFromConfig(config.loss.name, { ...config.loss.options, ...learnable.weights.weights() });
}

/** One optimizer step on a batch; returns its loss (before the update) and its number of correct predictions. */
export async function trainStep(trainer: TrainerState, batch: Batch): Promise<{ loss: number; correct: number }> {
  const { model, modelVariables, optimizer, learnable } = trainer;
  const weightVariables = learnable ? [...learnable.weights.variables] : [];
  const [lossTensor, correctTensor] = tf.tidy(() => {
    const { xs, ys } = batchToTensors(batch);
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'int32')) as tf.Scalar);
      // Built inside the tape: learned loss weights are tensors that the gradient flows through.
      return currentLoss(trainer)(ys, logits);
    }, [...modelVariables, ...weightVariables]);
    const gradsOf = (variables: readonly tf.Variable[]) => variables.map((v) => ({ name: v.name, tensor: grads[v.name] as tf.Tensor }));
    optimizer.applyGradients(gradsOf(modelVariables));
    learnable?.optimizer.applyGradients(gradsOf(weightVariables));
    return [value, correct as tf.Scalar];
  });
  const [lossValue, correct] = await Promise.all([lossTensor.data(), correctTensor.data()]);
  tf.dispose([lossTensor, correctTensor]);
  return { loss: lossValue[0] as number, correct: correct[0] as number };
}

/** The model's weights and the loss weights, by name, for a check of their values. */
export function trainedTensors({ model, learnable }: TrainerState): { name: string; tensor: tf.Tensor }[] {
  const modelWeights = model.weights.map((w) => ({ name: w.name, tensor: w.read() }));
  return [...modelWeights, ...(learnable?.weights.variables ?? []).map((v) => ({ name: v.name, tensor: v as tf.Tensor }))];
}
