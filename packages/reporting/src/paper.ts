/** A published test accuracy of one row of a table. */
export interface PublishedAccuracy {
  /** The row it belongs to, matching `RunRecord.row`. */
  row: string;
  /** Test accuracy in percent (not a fraction), as printed in the source. */
  paperAccuracy: number;
  /** Where it was published, in words. */
  source: string;
}

/** Number of EMNIST-Letters test images behind every published accuracy: the official test set. */
export const PAPER_TEST_SET_SIZE = 20_800;
