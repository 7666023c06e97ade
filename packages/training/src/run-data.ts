import { type LetterSet, Rng, selectExamples, stratifiedSplit } from '@mixent/data';
import type { TrainConfig } from './config.js';

/** The data of a run: the training split, the validation split and the test set. */
export interface RunData {
  train: LetterSet;
  validation: LetterSet;
  test: LetterSet;
}

/**
 * Splits a dataset's training and test images as the config says: a validation split held out from the training
 * images (stratified), then optional limits. The splits depend on the data alone, not on the seed, so every row
 * and seed of a table sees the same test images (paired statistics need that).
 */
export function splitRunData(config: TrainConfig, trainAll: LetterSet, testAll: LetterSet): RunData {
  const { validationFraction, trainLimit, testLimit } = config.data;
  const split = stratifiedSplit(trainAll.labels, Rng.fromSeed('mixent/validation'), (n) => Math.round(n * validationFraction));
  const trainIndices =
    trainLimit === null
      ? split.rest
      : Rng.fromSeed('mixent/train-limit')
          .shuffle([...split.rest])
          .slice(0, trainLimit)
          .sort((a, b) => a - b);
  const test =
    testLimit === null || testLimit >= testAll.count
      ? testAll
      : selectExamples(
          testAll,
          stratifiedSplit(testAll.labels, Rng.fromSeed('mixent/test-limit'), (n) => Math.round((n * testLimit) / testAll.count)).taken,
        );
  return { train: selectExamples(trainAll, trainIndices), validation: selectExamples(trainAll, split.taken), test };
}
