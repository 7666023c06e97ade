/** One published result: a model × loss row of the paper's table. */
export interface PaperRow {
  /** Config name of the row, matching `RunRecord.row`, e.g. `'vgg5-ce'`. */
  row: string;
  /** Display name of the model, e.g. `'VGG-5'`. */
  model: string;
  /** Display name of the loss, e.g. `'cross entropy'`. */
  loss: string;
  /** Published test accuracy in percent (not a fraction), as printed in the source. */
  paperAccuracy: number;
}

/** Number of EMNIST-Letters test images behind every published accuracy. */
export const PAPER_TEST_SET_SIZE = 20_800;

/**
 * The four published EMNIST-Letters test accuracies (percent) that mixent reproduces: the two
 * cross-entropy baselines from the SpinalNet paper and the two losses of arXiv 2501.13709. Each is a
 * single run with the best epoch chosen on the test set; no seeds or confidence intervals were reported.
 */
export const PAPER_ROWS: readonly PaperRow[] = Object.freeze([
  Object.freeze({ row: 'vgg5-ce', model: 'VGG-5', loss: 'cross entropy', paperAccuracy: 95.86 }),
  Object.freeze({ row: 'spinalvgg-ce', model: 'Spinal-VGG', loss: 'cross entropy', paperAccuracy: 95.88 }),
  Object.freeze({ row: 'vgg5-minent', model: 'VGG-5', loss: 'MIN-ENT', paperAccuracy: 95.933 }),
  Object.freeze({ row: 'vgg5-mixent', model: 'VGG-5', loss: 'MIX-ENT', paperAccuracy: 95.927 }),
]);

/** The config name of the row every other row is compared with: VGG-5 with cross entropy. */
export const DEFAULT_BASELINE_ROW = 'vgg5-ce';
