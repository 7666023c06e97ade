import type { RunRecord } from '../runs.js';

/**
 * A small run for unit tests: labels i mod `classes`, wrong (predicting the next class) exactly at
 * `wrong`.
 */
export function makeRun(row: string, seed: number, wrong: readonly number[], extra: Partial<RunRecord> & { size?: number; classes?: number } = {}): RunRecord {
  const { size = 20, classes = 4, ...rest } = extra;
  const labels = Array.from({ length: size }, (_, i) => i % classes);
  const set = new Set(wrong);
  const predictions = labels.map((label, i) => (set.has(i) ? (label + 1) % classes : label));
  // The accuracies follow from the predictions unless given; epoch 2, the best, has the run's test accuracy.
  const accuracy = (size - set.size) / size;
  const bestTestAccuracy = rest.bestTestAccuracy ?? accuracy;
  return {
    row,
    model: row.startsWith('spinal') ? 'Spinal-VGG' : 'VGG-5',
    loss: row.endsWith('-ce') ? 'cross entropy' : row.replace(/^.*-/, '').toUpperCase(),
    seed,
    bestTestAccuracy,
    valSelectedTestAccuracy: accuracy,
    bestEpoch: 2,
    epochs: [
      { epoch: 1, trainAccuracy: 0.5, testAccuracy: bestTestAccuracy / 2 },
      { epoch: 2, trainAccuracy: 0.7, testAccuracy: bestTestAccuracy },
    ],
    testPredictions: predictions,
    testLabels: labels,
    ...rest,
  };
}
