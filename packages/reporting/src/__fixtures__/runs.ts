import type { PublishedAccuracy } from '../paper.js';
import type { RunRecord } from '../runs.js';

/**
 * Fixed, hand-made runs for the golden tables: 4 rows × 2 seeds on a test set of 40 examples with
 * labels 0, 1, 2, 3, 0, 1, … (i mod 4). Each run is wrong exactly at the listed indices, where it
 * predicts the next class ((label + 1) mod 4), so every count below can be checked by hand:
 *
 * | row          | seed 1 wrong      | acc   | seed 2 wrong       | acc   |
 * |--------------|-------------------|-------|--------------------|-------|
 * | vgg5-ce      | 0–7               | 32/40 | 0–6                | 33/40 |
 * | spinalvgg-ce | 0–6, 10           | 32/40 | 1–6, 10–13         | 30/40 |
 * | vgg5-minent  | 20                | 39/40 | 0, 20              | 38/40 |
 * | vgg5-mixent  | 0–7, 20–27        | 24/40 | 0–6, 20–25         | 27/40 |
 */
export const FIXTURE_TEST_SIZE = 40;

/** The configuration label of the golden tables. */
export const FIXTURE_CONFIGURATION = 'golden fixture: 4 rows × 2 seeds, 40 hand-made test examples, 3 epochs';

/** Published accuracies of the fixture's rows: the paper's four, in its order. */
export const FIXTURE_PUBLISHED: readonly PublishedAccuracy[] = [
  { row: 'vgg5-ce', paperAccuracy: 95.86, source: 'SpinalNet paper' },
  { row: 'spinalvgg-ce', paperAccuracy: 95.88, source: 'SpinalNet paper' },
  { row: 'vgg5-minent', paperAccuracy: 95.933, source: 'MIN-ENT paper' },
  { row: 'vgg5-mixent', paperAccuracy: 95.927, source: 'MIN-ENT paper' },
];

/** The golden table's options: its configuration label, VGG-5 cross entropy as the baseline, the published rows. */
export const FIXTURE_TABLE = { configuration: FIXTURE_CONFIGURATION, baselineRow: 'vgg5-ce', published: FIXTURE_PUBLISHED };

const labels = Array.from({ length: FIXTURE_TEST_SIZE }, (_, i) => i % 4);

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function predictionsWrongAt(wrong: readonly number[]): number[] {
  const set = new Set(wrong);
  return labels.map((label, i) => (set.has(i) ? (label + 1) % 4 : label));
}

interface FixtureRun {
  row: string;
  model: string;
  loss: string;
  seed: number;
  wrong: number[];
  bestTestAccuracy: number;
  valSelectedTestAccuracy: number;
  /** Per epoch: [train, test, validation] accuracy; the best test accuracy is at `bestEpoch`. */
  curve: [number, number, number][];
  bestEpoch: number;
}

function toRecord(run: FixtureRun): RunRecord {
  return {
    row: run.row,
    model: run.model,
    loss: run.loss,
    seed: run.seed,
    bestTestAccuracy: run.bestTestAccuracy,
    valSelectedTestAccuracy: run.valSelectedTestAccuracy,
    bestEpoch: run.bestEpoch,
    epochs: run.curve.map(([trainAccuracy, testAccuracy, valAccuracy], i) => ({ epoch: i + 1, trainAccuracy, testAccuracy, valAccuracy })),
    testPredictions: predictionsWrongAt(run.wrong),
    testLabels: [...labels],
    numClasses: 4,
  };
}

const VGG = 'VGG-5';
const SPINAL = 'Spinal-VGG';
const CE = 'cross entropy';

/** The eight fixture runs, in an order that is not the table's (the table sorts rows and seeds). */
export const FIXTURE_RUNS: readonly RunRecord[] = ([
  { row: 'vgg5-mixent', model: VGG, loss: 'MIX-ENT', seed: 2, wrong: [...range(0, 6), ...range(20, 25)], bestTestAccuracy: 0.675, valSelectedTestAccuracy: 0.65, bestEpoch: 3, curve: [[0.4, 0.5, 0.45], [0.55, 0.65, 0.6], [0.6, 0.675, 0.65]] },
  { row: 'vgg5-ce', model: VGG, loss: CE, seed: 1, wrong: range(0, 7), bestTestAccuracy: 0.8, valSelectedTestAccuracy: 0.775, bestEpoch: 3, curve: [[0.5, 0.6, 0.55], [0.7, 0.775, 0.8], [0.8, 0.8, 0.75]] },
  { row: 'vgg5-ce', model: VGG, loss: CE, seed: 2, wrong: range(0, 6), bestTestAccuracy: 0.825, valSelectedTestAccuracy: 0.825, bestEpoch: 2, curve: [[0.55, 0.65, 0.6], [0.75, 0.825, 0.85], [0.85, 0.8, 0.8]] },
  { row: 'spinalvgg-ce', model: SPINAL, loss: CE, seed: 1, wrong: [...range(0, 6), 10], bestTestAccuracy: 0.8, valSelectedTestAccuracy: 0.8, bestEpoch: 3, curve: [[0.5, 0.625, 0.6], [0.7, 0.75, 0.7], [0.8, 0.8, 0.75]] },
  { row: 'spinalvgg-ce', model: SPINAL, loss: CE, seed: 2, wrong: [...range(1, 6), ...range(10, 13)], bestTestAccuracy: 0.75, valSelectedTestAccuracy: 0.725, bestEpoch: 2, curve: [[0.5, 0.6, 0.55], [0.7, 0.75, 0.7], [0.75, 0.725, 0.75]] },
  { row: 'vgg5-minent', model: VGG, loss: 'MIN-ENT', seed: 1, wrong: [20], bestTestAccuracy: 0.975, valSelectedTestAccuracy: 0.95, bestEpoch: 3, curve: [[0.7, 0.85, 0.8], [0.85, 0.95, 0.95], [0.95, 0.975, 0.925]] },
  { row: 'vgg5-minent', model: VGG, loss: 'MIN-ENT', seed: 2, wrong: [0, 20], bestTestAccuracy: 0.95, valSelectedTestAccuracy: 0.95, bestEpoch: 2, curve: [[0.7, 0.875, 0.85], [0.85, 0.95, 0.95], [0.9, 0.925, 0.9]] },
  { row: 'vgg5-mixent', model: VGG, loss: 'MIX-ENT', seed: 1, wrong: [...range(0, 7), ...range(20, 27)], bestTestAccuracy: 0.6, valSelectedTestAccuracy: 0.575, bestEpoch: 3, curve: [[0.35, 0.45, 0.4], [0.5, 0.55, 0.575], [0.6, 0.6, 0.55]] },
] satisfies FixtureRun[]).map(toRecord);
