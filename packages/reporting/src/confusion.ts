import { RunRecordError, largestClassIndex, runName, validateRun, type ClassIndices, type RunRecord } from './runs.js';

/** Counts of test examples: `matrix[trueClass][predictedClass]`. */
export type ConfusionMatrix = number[][];

/**
 * The confusion matrix of predictions against labels: rows are true classes, columns predicted
 * classes. `numClasses` defaults to 1 + the largest class index seen.
 */
export function confusionMatrix(predictions: ClassIndices, labels: ClassIndices, numClasses?: number): ConfusionMatrix {
  if (predictions.length !== labels.length) {
    throw new RangeError(`confusionMatrix: ${predictions.length} predictions for ${labels.length} labels; they must have the same length`);
  }
  const k = numClasses ?? Math.max(largestClassIndex(predictions), largestClassIndex(labels)) + 1;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`confusionMatrix: numClasses is ${k}, expected an integer ≥ 1`);
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const truth = labels[i] as number;
    const predicted = predictions[i] as number;
    for (const [what, v] of [
      ['label', truth],
      ['prediction', predicted],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= k) {
        throw new RangeError(`confusionMatrix: ${what} ${v} at index ${i} is not a class index below ${k}`);
      }
    }
    (matrix[truth] as number[])[predicted] = ((matrix[truth] as number[])[predicted] ?? 0) + 1;
  }
  return matrix;
}

/** The confusion matrix of one run at its reference-selected epoch. */
export function runConfusionMatrix(run: RunRecord): ConfusionMatrix {
  validateRun(run);
  return confusionMatrix(run.testPredictions, run.testLabels, run.numClasses);
}

/** The element-wise sum of the confusion matrices of runs (e.g. all seeds of one row). */
export function confusionMatrixOfRuns(runs: readonly RunRecord[]): ConfusionMatrix {
  const first = runs[0];
  if (!first) throw new RunRecordError('confusionMatrixOfRuns: no runs');
  runs.forEach(validateRun);
  const size = Math.max(
    ...runs.map((r) => r.numClasses ?? Math.max(largestClassIndex(r.testPredictions), largestClassIndex(r.testLabels)) + 1),
  );
  const total = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const run of runs) {
    const matrix = confusionMatrix(run.testPredictions, run.testLabels, size);
    if (run.testLabels.length !== first.testLabels.length) {
      throw new RunRecordError(`${runName(run)} has ${run.testLabels.length} test examples, ${runName(first)} ${first.testLabels.length}`);
    }
    matrix.forEach((row, t) => row.forEach((count, p) => ((total[t] as number[])[p] = ((total[t] as number[])[p] ?? 0) + count)));
  }
  return total;
}
