/**
 * @mixent/reporting: tables, statistics and SVG figures of mixent runs.
 * The input is one RunRecord per training run (row × seed); the paper table compares every row with
 * the published accuracies and, seed by seed, with the baseline row (exact McNemar test on the paired
 * test predictions); formats Markdown, CSV, LaTeX (booktabs) and JSON; figures as SVG rendered in Node.
 */

// Input: runs and the published numbers
export {
  RunRecordError,
  countCorrect,
  runName,
  validateRun,
  validateRuns,
  type ClassIndices,
  type EpochAccuracies,
  type RunRecord,
} from './runs.js';
export { PAPER_TEST_SET_SIZE, type PublishedAccuracy } from './paper.js';

// Statistics
export {
  confidenceInterval,
  mcnemarExact,
  mean,
  pairedCounts,
  sampleStd,
  tCritical,
  type ConfidenceInterval,
  type PairedCounts,
} from './stats.js';

// The paper table: data, formats, significance text
export {
  bestRow,
  buildPaperTable,
  rowLabel,
  summarizeAccuracies,
  tableRow,
  type AccuracySummary,
  type BaselineComparison,
  type PaperTable,
  type PaperTableOptions,
  type RowVerdict,
  type SeedResult,
  type TableRow,
} from './table.js';
export { escapeLatex, toCsv, toJson, toLatex, toMarkdown, type LatexOptions, type MarkdownOptions } from './formats.js';
export { describeSignificance, type SignificanceTextOptions } from './summary.js';
export { MISSING, formatPValue, formatPercent } from './format.js';

// Figures
export { confusionMatrix, confusionMatrixOfRuns, runConfusionMatrix, type ConfusionMatrix } from './confusion.js';
export {
  accuracyCurvePoints,
  accuracyCurvesSvg,
  confusionMatrixSvg,
  renderSvg,
  type AccuracyCurvesOptions,
  type ConfusionMatrixOptions,
  type CurvePoint,
} from './plots.js';

// Writing a report
export { writeReport, type ReportFiles, type WriteReportOptions } from './write.js';
