import type { RunRecord } from '../runs.js';

/**
 * A small run for unit tests: labels i mod `classes`, wrong (predicting the next class) exactly at
 * `wrong`; the accuracies follow from the predictions unless given.
 */
export function makeRun(row: string, seed: number, wrong: readonly number[], extra: Partial<RunRecord> & { size?: number; classes?: number } = {}): RunRecord {
  const { size = 20, classes = 4, ...rest } = extra;
  const labels = Array.from({ length: size }, (_, i) => i % classes);
  const set = new Set(wrong);
  const predictions = labels.map((label, i) => (set.has(i) ? (label + 1) % classes : label));
  const accuracy = (size - set.size) / size;
  return {
    row,
    model: row.startsWith('spinal') ? 'Spinal-VGG' : 'VGG-5',
    loss: row.endsWith('-ce') ? 'cross entropy' : row.replace(/^.*-/, '').toUpperCase(),
    seed,
    testAccuracy: accuracy,
    valSelectedTestAccuracy: accuracy,
    bestEpoch: 2,
    epochs: [
      { epoch: 1, trainAccuracy: 0.5, testAccuracy: accuracy / 2 },
      { epoch: 2, trainAccuracy: 0.7, testAccuracy: accuracy },
    ],
    testPredictions: predictions,
    testLabels: labels,
    ...rest,
  };
}
