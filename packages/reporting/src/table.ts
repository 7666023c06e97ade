import { groupThousands, joinWords } from './format.js';
import type { PublishedAccuracy } from './paper.js';
import { RunRecordError, countCorrect, validateRuns, type RunRecord } from './runs.js';
import { confidenceInterval, mcnemarExact, mean, pairedCounts, sampleStd } from './stats.js';

/** Options of {@link buildPaperTable}. */
export interface PaperTableOptions {
  /**
   * What was run, shown in the table's title so that results of reduced runs cannot pass for the
   * paper's, e.g. `'sample configuration: embedded sample, width ×0.25, 3 epochs, 3 seeds'`. Required.
   */
  configuration: string;
  /** The row the others are tested against, e.g. `'vgg5-ce'`. Required. */
  baselineRow: string;
  /** Published accuracies, matched to runs by row name (default: none). */
  published?: readonly PublishedAccuracy[];
  /** The rows' order (default: rows with a published accuracy in their order, then the others in the runs' order). */
  rowOrder?: readonly string[];
  /** Significance level of the McNemar tests (default 0.05). */
  alpha?: number;
  /** Level of the confidence intervals (default 0.95). */
  confidenceLevel?: number;
}

/** Mean, spread and confidence interval of one accuracy over the seeds of a row (fractions). */
export interface AccuracySummary {
  /** Number of seeds. */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); null for one seed. */
  std: number | null;
  /** Student-t confidence interval of the mean; null for one seed. Not clipped to [0, 1]. */
  ci: { low: number; high: number; halfWidth: number } | null;
}

/** McNemar's exact test of a row's run against the baseline's run with the same seed. */
export interface BaselineComparison {
  /** Test images this row classifies correctly and the baseline does not. */
  b: number;
  /** Test images the baseline classifies correctly and this row does not. */
  c: number;
  /** Test images both classify correctly. */
  both: number;
  /** Test images both get wrong. */
  neither: number;
  /** b − c: how many more test images this row gets right than the baseline. */
  netImages: number;
  /** Two-sided exact McNemar p-value. */
  pValue: number;
  /** pValue < alpha. */
  significant: boolean;
}

/** One seed of one row. */
export interface SeedResult {
  seed: number;
  /** Best-on-test selection (the reference's), fraction. */
  bestTestAccuracy: number;
  /** Validation selection, fraction. */
  valSelectedTestAccuracy: number;
  bestEpoch: number;
  /** Test images classified correctly at the reference-selected epoch. */
  correct: number;
  /** Against the baseline's run with the same seed; null on the baseline row or without such a run. */
  vsBaseline: BaselineComparison | null;
}

/** The outcome of a row's per-seed tests against the baseline. */
export interface RowVerdict {
  /** Seeds with a baseline run of the same seed, hence tested. */
  comparedSeeds: number;
  /** Tested seeds with p < alpha. */
  significantSeeds: number;
  /** Significant seeds where this row is better (b > c). */
  significantBetter: number;
  /** Significant seeds where this row is worse (b < c). */
  significantWorse: number;
  /** Seeds of this row without a baseline run of the same seed (not tested). */
  unpairedSeeds: number[];
  /** Mean over tested seeds of b − c (test images); null when no seed was tested. */
  meanNetImages: number | null;
  /** The same as percentage points of the test set; null when no seed was tested. */
  meanDifferencePoints: number | null;
  /**
   * `significant`: every tested seed significant, all in the same direction; `not significant`: none;
   * `mixed`: some; `untested`: no seed had a baseline partner.
   */
  conclusion: 'significant' | 'not significant' | 'mixed' | 'untested';
}

/** One model × loss row. */
export interface TableRow {
  row: string;
  model: string;
  loss: string;
  /** Published accuracy in percent, as printed; null when the paper has no such row. */
  paperAccuracy: number | null;
  isBaseline: boolean;
  /** One entry per seed, sorted by seed. */
  seeds: SeedResult[];
  /** Over seeds, best-on-test selection. */
  bestTestAccuracy: AccuracySummary;
  /** Over seeds, validation selection. */
  valSelectedTestAccuracy: AccuracySummary;
  /** Null on the baseline row. */
  verdict: RowVerdict | null;
}

/** The paper-comparison table as data (JSON-serializable: no NaN, no typed arrays). */
export interface PaperTable {
  /** Caption: what the numbers are and the configuration they come from. */
  title: string;
  configuration: string;
  baselineRow: string;
  /** `model, loss` of the baseline row, for texts. */
  baselineLabel: string;
  /** Number of test images of every run. */
  testSetSize: number;
  /** Every seed that occurs, sorted. */
  seeds: number[];
  alpha: number;
  confidenceLevel: number;
  /** Rows in the order of {@link PaperTableOptions.rowOrder}. */
  rows: TableRow[];
}

/** `VGG-5, MIN-ENT`: how texts and plots name a row. */
export function rowLabel(row: Pick<TableRow, 'model' | 'loss'>): string {
  return `${row.model}, ${row.loss}`;
}

/** Mean, sample std and t confidence interval of fractions, with null where undefined. */
export function summarizeAccuracies(values: readonly number[], confidenceLevel = 0.95): AccuracySummary {
  const std = sampleStd(values);
  const ci = confidenceInterval(values, confidenceLevel);
  return {
    n: values.length,
    mean: mean(values),
    std: Number.isNaN(std) ? null : std,
    ci: Number.isNaN(ci.halfWidth) ? null : { low: ci.low, high: ci.high, halfWidth: ci.halfWidth },
  };
}

function verdictOf(seeds: readonly SeedResult[], testSetSize: number): RowVerdict {
  const tested = seeds.flatMap((s) => (s.vsBaseline ? [s.vsBaseline] : []));
  const significant = tested.filter((t) => t.significant);
  const better = significant.filter((t) => t.netImages > 0).length;
  const worse = significant.filter((t) => t.netImages < 0).length;
  const meanNet = tested.length > 0 ? mean(tested.map((t) => t.netImages)) : null;
  let conclusion: RowVerdict['conclusion'];
  if (tested.length === 0) conclusion = 'untested';
  else if (significant.length === 0) conclusion = 'not significant';
  else if (better === tested.length || worse === tested.length) conclusion = 'significant';
  else conclusion = 'mixed';
  return {
    comparedSeeds: tested.length,
    significantSeeds: significant.length,
    significantBetter: better,
    significantWorse: worse,
    unpairedSeeds: seeds.filter((s) => !s.vsBaseline).map((s) => s.seed),
    meanNetImages: meanNet,
    meanDifferencePoints: meanNet === null ? null : (meanNet / testSetSize) * 100,
    conclusion,
  };
}

/**
 * Builds the paper-comparison table from training runs: per row the published accuracy, per-seed
 * accuracies under both selections, mean ± std and t confidence interval over seeds, and the exact
 * McNemar test of each seed against the baseline's run with the same seed. Validates the runs first.
 */
export function buildPaperTable(runs: readonly RunRecord[], options: PaperTableOptions): PaperTable {
  const { configuration, baselineRow, published = [], alpha = 0.05, confidenceLevel = 0.95 } = options;
  if (typeof configuration !== 'string' || configuration.trim() === '') {
    throw new RunRecordError('buildPaperTable needs a configuration label (what was run), so that reduced runs cannot pass for the paper');
  }
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha ${alpha} is not in (0, 1)`);
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) throw new RangeError(`confidence level ${confidenceLevel} is not in (0, 1)`);
  validateRuns(runs);

  const byRow = new Map<string, RunRecord[]>();
  for (const run of runs) byRow.set(run.row, [...(byRow.get(run.row) ?? []), run]);
  const baselineRuns = byRow.get(baselineRow);
  if (!baselineRuns) {
    throw new RunRecordError(`the baseline row ${baselineRow} has no runs (rows present: ${[...byRow.keys()].join(', ')})`);
  }
  const baselineBySeed = new Map(baselineRuns.map((r) => [r.seed, r]));
  const paperByRow = new Map(published.map((p) => [p.row, p]));
  const first = options.rowOrder ?? published.map((p) => p.row);
  const order = [...first.filter((row) => byRow.has(row)), ...[...byRow.keys()].filter((row) => !first.includes(row))];
  const testSetSize = (runs[0] as RunRecord).testLabels.length;

  const rows = order.map((row): TableRow => {
    const rowRuns = [...(byRow.get(row) ?? [])].sort((a, b) => a.seed - b.seed);
    const first = rowRuns[0] as RunRecord;
    const isBaseline = row === baselineRow;
    const seeds = rowRuns.map((run): SeedResult => {
      const partner = isBaseline ? undefined : baselineBySeed.get(run.seed);
      let vsBaseline: BaselineComparison | null = null;
      if (partner) {
        const counts = pairedCounts(run.testPredictions, partner.testPredictions, run.testLabels);
        const pValue = mcnemarExact(counts.b, counts.c);
        vsBaseline = { ...counts, netImages: counts.b - counts.c, pValue, significant: pValue < alpha };
      }
      return {
        seed: run.seed,
        bestTestAccuracy: run.bestTestAccuracy,
        valSelectedTestAccuracy: run.valSelectedTestAccuracy,
        bestEpoch: run.bestEpoch,
        correct: countCorrect(run.testPredictions, run.testLabels),
        vsBaseline,
      };
    });
    return {
      row,
      model: first.model,
      loss: first.loss,
      paperAccuracy: paperByRow.get(row)?.paperAccuracy ?? null,
      isBaseline,
      seeds,
      bestTestAccuracy: summarizeAccuracies(
        seeds.map((s) => s.bestTestAccuracy),
        confidenceLevel,
      ),
      valSelectedTestAccuracy: summarizeAccuracies(
        seeds.map((s) => s.valSelectedTestAccuracy),
        confidenceLevel,
      ),
      verdict: isBaseline ? null : verdictOf(seeds, testSetSize),
    };
  });

  const allSeeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const baseline = rows.find((r) => r.isBaseline) as TableRow;
  const title =
    `Test accuracy (%) by model and loss. Configuration: ${configuration.trim()}. ` +
    `Ours: ${groupThousands(testSetSize)} test images, ${allSeeds.length === 1 ? 'seed' : 'seeds'} ${joinWords(allSeeds.map(String))}; paper: as published.`;
  return {
    title,
    configuration: configuration.trim(),
    baselineRow,
    baselineLabel: rowLabel(baseline),
    testSetSize,
    seeds: allSeeds,
    alpha,
    confidenceLevel,
    rows,
  };
}

/** The row of a table with this config name: throws naming the row when it is not there. */
export function tableRow(table: PaperTable, row: string): TableRow {
  const found = table.rows.find((r) => r.row === row);
  if (!found) throw new RunRecordError(`the table has no row ${row} (rows: ${table.rows.map((r) => r.row).join(', ')})`);
  return found;
}

/** The row with the highest mean best-on-test accuracy (the first on ties). */
export function bestRow(table: PaperTable): TableRow {
  let best = table.rows[0];
  if (!best) throw new RunRecordError('the table has no rows');
  for (const row of table.rows) if (row.bestTestAccuracy.mean > best.bestTestAccuracy.mean) best = row;
  return best;
}
