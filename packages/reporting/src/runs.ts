/**
 * What reporting reads of one epoch of a training run (fractions in [0, 1]): @mixent/training's EpochRecord, which
 * holds more, is one.
 */
export interface EpochAccuracies {
  /** Epoch number as the trainer counts it (1-based by convention). */
  epoch: number;
  /** Accuracy on the training batches of this epoch. */
  trainAccuracy: number;
  /** Accuracy on the test set after this epoch. */
  testAccuracy: number;
  /** Accuracy on the validation split after this epoch, when there is one. */
  valAccuracy?: number;
  /** Mean training loss of this epoch. */
  loss?: number;
}

/** A sequence of class indices, one per test example. */
export type ClassIndices = readonly number[] | Int32Array;

/** One training run: one table row (model × loss) with one seed. */
export interface RunRecord {
  /** The row's name, by which the table groups runs and matches published accuracies, e.g. `'vgg5-ce'`. */
  row: string;
  /** Display name of the model, with a width tag when narrower than the paper's, e.g. `'VGG-5 ×0.25'`. */
  model: string;
  /** Display name of the loss, e.g. `'cross entropy'`, `'MIN-ENT'`, `'MIX-ENT'`. */
  loss: string;
  /** The seed of this run; runs of different rows with the same seed are paired for McNemar's test. */
  seed: number;
  /** Test accuracy (fraction) at the epoch with the best test accuracy, selected on the test set (the reference's). */
  bestTestAccuracy: number;
  /** Test accuracy (fraction) at the epoch chosen on the validation split. */
  valSelectedTestAccuracy: number;
  /** The epoch selected by the reference's rule (best test accuracy). */
  bestEpoch: number;
  /** Per-epoch accuracies, in training order. */
  epochs: readonly EpochAccuracies[];
  /** Predicted class per test example at `bestEpoch`; must agree with `bestTestAccuracy`. */
  testPredictions: ClassIndices;
  /** True class per test example, in the same order for every run. */
  testLabels: ClassIndices;
  /** Number of classes for the confusion matrix; default: 1 + the largest label or prediction. */
  numClasses?: number;
}

/** Error thrown for run records that cannot be reported: it names the run and what is wrong. */
export class RunRecordError extends Error {
  override name = 'RunRecordError';
}

/** `vgg5-ce seed 1`: how errors and texts name a run. */
export function runName(run: Pick<RunRecord, 'row' | 'seed'>): string {
  return `${run.row} seed ${run.seed}`;
}

/** Number of test examples whose prediction equals the label. */
export function countCorrect(predictions: ClassIndices, labels: ClassIndices): number {
  if (predictions.length !== labels.length) {
    throw new RunRecordError(`${predictions.length} predictions for ${labels.length} labels: they must have the same length`);
  }
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct++;
  return correct;
}

function checkFraction(value: unknown, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RunRecordError(`${what} is ${String(value)}: expected a finite fraction in [0, 1]`);
  }
  if (value < 0 || value > 1) {
    const hint = value > 1 && value <= 100 ? ' (it looks like a percent; pass a fraction)' : '';
    throw new RunRecordError(`${what} is ${value}, outside [0, 1]${hint}`);
  }
}

function checkClassIndices(values: unknown, what: string): void {
  if (!Array.isArray(values) && !(values instanceof Int32Array)) {
    throw new RunRecordError(`${what} must be an array or Int32Array of class indices`);
  }
  const list = values as ClassIndices;
  if (list.length === 0) throw new RunRecordError(`${what} is empty`);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new RunRecordError(`${what}[${i}] is ${String(v)}: expected a class index (integer ≥ 0)`);
    }
  }
}

/** The largest class index in `values`, or −1 when there is none. */
export function largestClassIndex(values: ClassIndices): number {
  let max = -1;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i] ?? -1);
  return max;
}

/**
 * The reference's selection, checked against the epochs it selects from: `bestEpoch` is one of them, its test
 * accuracy is the run's `bestTestAccuracy`, and no epoch beats it (each within `tolerance`, half an image).
 */
function checkBestEpoch(run: RunRecord, name: string, tolerance: number): void {
  const best = run.epochs.find((e) => e.epoch === run.bestEpoch);
  if (best === undefined) {
    throw new RunRecordError(
      `${name}: bestEpoch ${run.bestEpoch} is not among the run's epochs (${run.epochs.map((e) => e.epoch).join(', ')})`,
    );
  }
  if (Math.abs(best.testAccuracy - run.bestTestAccuracy) > tolerance) {
    throw new RunRecordError(
      `${name}: bestTestAccuracy ${run.bestTestAccuracy} is not the test accuracy of bestEpoch ${run.bestEpoch} (${best.testAccuracy})`,
    );
  }
  const better = run.epochs.find((e) => e.testAccuracy - run.bestTestAccuracy > tolerance);
  if (better !== undefined) {
    throw new RunRecordError(
      `${name}: epoch ${better.epoch} has a better test accuracy (${better.testAccuracy}) than bestEpoch ${run.bestEpoch} (${run.bestTestAccuracy}); ` +
        'the reference selects the best',
    );
  }
}

/** Checks one run record on its own and throws a {@link RunRecordError} naming the first problem. */
export function validateRun(run: RunRecord): void {
  if (typeof run !== 'object' || run === null) throw new RunRecordError('a run record must be an object');
  if (typeof run.row !== 'string' || run.row === '') throw new RunRecordError('a run record has no row name');
  const name = runName(run);
  if (typeof run.seed !== 'number' || !Number.isFinite(run.seed))
    throw new RunRecordError(`${run.row}: seed is ${String(run.seed)}, expected a number`);
  if (typeof run.model !== 'string' || run.model === '') throw new RunRecordError(`${name}: model display name is missing`);
  if (typeof run.loss !== 'string' || run.loss === '') throw new RunRecordError(`${name}: loss display name is missing`);
  checkFraction(run.bestTestAccuracy, `${name}: bestTestAccuracy`);
  checkFraction(run.valSelectedTestAccuracy, `${name}: valSelectedTestAccuracy`);
  if (!Number.isInteger(run.bestEpoch)) throw new RunRecordError(`${name}: bestEpoch is ${String(run.bestEpoch)}, expected an integer`);
  if (!Array.isArray(run.epochs)) throw new RunRecordError(`${name}: epochs must be an array`);
  run.epochs.forEach((e: unknown, i) => {
    const at = `${name}: epochs[${i}]`;
    if (typeof e !== 'object' || e === null) throw new RunRecordError(`${at} is ${String(e)}, expected an object`);
    const { epoch, trainAccuracy, testAccuracy, valAccuracy } = e as EpochAccuracies;
    if (!Number.isFinite(epoch)) throw new RunRecordError(`${at}.epoch is ${String(epoch)}, expected a number`);
    checkFraction(trainAccuracy, `${at}.trainAccuracy`);
    checkFraction(testAccuracy, `${at}.testAccuracy`);
    if (valAccuracy !== undefined) checkFraction(valAccuracy, `${at}.valAccuracy`);
  });
  checkClassIndices(run.testPredictions, `${name}: testPredictions`);
  checkClassIndices(run.testLabels, `${name}: testLabels`);
  const n = run.testLabels.length;
  if (run.epochs.length > 0) checkBestEpoch(run, name, 0.5 / Math.max(n, 1));
  if (run.testPredictions.length !== n) {
    throw new RunRecordError(
      `${name}: ${run.testPredictions.length} test predictions for ${n} test labels; they must have the same length`,
    );
  }
  if (run.numClasses !== undefined) {
    if (!Number.isInteger(run.numClasses) || run.numClasses < 1) {
      throw new RunRecordError(`${name}: numClasses is ${String(run.numClasses)}, expected an integer ≥ 1`);
    }
    const largest = Math.max(largestClassIndex(run.testLabels), largestClassIndex(run.testPredictions));
    if (largest >= run.numClasses) throw new RunRecordError(`${name}: class index ${largest} is not below numClasses ${run.numClasses}`);
  }
  const correct = countCorrect(run.testPredictions, run.testLabels);
  // Within half an image: the trainer may have rounded or summed in float32.
  if (Math.abs(run.bestTestAccuracy - correct / n) > 0.5 / n) {
    throw new RunRecordError(
      `${name}: bestTestAccuracy ${run.bestTestAccuracy} does not match its test predictions (${correct} of ${n} correct = ${correct / n}); ` +
        'the predictions must come from the reference-selected epoch',
    );
  }
}

function firstDifference(a: ClassIndices, b: ClassIndices): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * Checks a set of runs: each run on its own, no row × seed twice, one display name per row, and one
 * test set (same length, same labels in the same order) for every run, as the paired test needs.
 */
export function validateRuns(runs: readonly RunRecord[]): void {
  if (!Array.isArray(runs) || runs.length === 0) throw new RunRecordError('no runs to report: pass at least one RunRecord');
  runs.forEach(validateRun);
  const seen = new Map<string, RunRecord>();
  const firstOfRow = new Map<string, RunRecord>();
  for (const run of runs) {
    const key = `${run.row}\u0000${run.seed}`;
    if (seen.has(key)) throw new RunRecordError(`${runName(run)} appears twice: each row × seed must be one run`);
    seen.set(key, run);
    const first = firstOfRow.get(run.row);
    if (first === undefined) {
      firstOfRow.set(run.row, run);
      continue;
    }
    if (first.testLabels.length !== run.testLabels.length) {
      throw new RunRecordError(
        `row ${run.row}: its runs have different test-set lengths (${runName(first)}: ${first.testLabels.length}, ` +
          `${runName(run)}: ${run.testLabels.length}); all runs must use the same test set`,
      );
    }
    if (first.model !== run.model || first.loss !== run.loss) {
      throw new RunRecordError(
        `row ${run.row}: display names differ between seeds (${runName(first)}: ${first.model} / ${first.loss}, ` +
          `${runName(run)}: ${run.model} / ${run.loss})`,
      );
    }
  }
  const reference = runs[0] as RunRecord;
  for (const run of runs) {
    if (run.testLabels.length !== reference.testLabels.length) {
      throw new RunRecordError(
        `${runName(run)} has ${run.testLabels.length} test labels but ${runName(reference)} has ${reference.testLabels.length}; ` +
          'all rows must use the same test set',
      );
    }
    const at = firstDifference(run.testLabels, reference.testLabels);
    if (at >= 0) {
      throw new RunRecordError(
        `${runName(run)}: testLabels differ from those of ${runName(reference)} at index ${at} ` +
          `(${String(run.testLabels[at])} vs ${String(reference.testLabels[at])}); the paired test needs the same test set in the same order`,
      );
    }
  }
}
