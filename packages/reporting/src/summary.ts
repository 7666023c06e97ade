import { formatLevel, formatPValue, formatSigned, groupThousands, joinWords } from './format.js';
import { PAPER_TEST_SET_SIZE } from './paper.js';
import { rowLabel, type PaperTable, type TableRow } from './table.js';

/** Options of {@link describeSignificance}. */
export interface SignificanceTextOptions {
  /** Test images behind the published accuracies, to turn the paper's gains into images (default 20,800). */
  paperTestSetSize?: number;
}

function seedWord(n: number): string {
  return n === 1 ? 'seed' : 'seeds';
}

function paperGain(row: TableRow, baseline: TableRow, paperTestSetSize: number): string {
  if (row.paperAccuracy === null || baseline.paperAccuracy === null) return '';
  const points = Number((row.paperAccuracy - baseline.paperAccuracy).toFixed(3));
  const images = Math.round((points / 100) * paperTestSetSize);
  return (
    ` Paper: ${formatSigned(points, 3).replace(/\.?0+$/, '')} points over its baseline ` +
    `(about ${formatSigned(images)} of ${groupThousands(paperTestSetSize)} images), one run, no test.`
  );
}

function seedCount(n: number): string {
  return n === 1 ? 'the one tested seed' : n === 2 ? 'both seeds' : `all ${n} seeds`;
}

function directions(better: number, worse: number): string {
  if (better > 0 && worse > 0) return `${better} better, ${worse} worse`;
  const where = better + worse === 1 ? 'in that seed' : 'in those seeds';
  return `${better > 0 ? 'better' : 'worse'} ${where}`;
}

function describeRow(row: TableRow, table: PaperTable, baseline: TableRow, paperTestSetSize: number): string {
  const verdict = row.verdict;
  if (!verdict) return '';
  const alpha = `${formatLevel(table.alpha)}%`;
  const ps = row.seeds.flatMap((s) => (s.vsBaseline ? [`seed ${s.seed}: p = ${formatPValue(s.vsBaseline.pValue)}`] : [])).join('; ');
  const n = verdict.comparedSeeds;
  let text: string;
  switch (verdict.conclusion) {
    case 'untested':
      return `- **${rowLabel(row)}**: not tested: the baseline has no run with ${seedWord(verdict.unpairedSeeds.length)} ${joinWords(verdict.unpairedSeeds.map(String))}.`;
    case 'not significant':
      text = `not significant at ${alpha} in ${n === 1 ? 'its one tested seed' : n === 2 ? 'either seed' : `any of the ${n} seeds`} (${ps})`;
      break;
    case 'significant':
      text = `significantly ${verdict.significantBetter > 0 ? 'better' : 'worse'} at ${alpha} in ${seedCount(n)} (${ps})`;
      break;
    case 'mixed':
      // Mixed: significant in some seeds only, or in every seed but not in the same direction.
      text =
        `significant at ${alpha} in ${verdict.significantSeeds === n ? `${seedCount(n)} but in opposite directions` : `${verdict.significantSeeds} of ${n} seeds only`} ` +
        `(${directions(verdict.significantBetter, verdict.significantWorse)}; ${ps}), not consistent across seeds`;
      break;
  }
  const net = verdict.meanNetImages ?? Number.NaN;
  const points = verdict.meanDifferencePoints ?? Number.NaN;
  const mean = ` Mean difference ${formatSigned(net, 1)} images of ${groupThousands(table.testSetSize)} (${formatSigned(points, 2)} points).`;
  const unpaired =
    verdict.unpairedSeeds.length > 0
      ? ` ${verdict.unpairedSeeds.length === 1 ? 'Seed' : 'Seeds'} ${joinWords(verdict.unpairedSeeds.map(String))} ` +
        `had no baseline run with the same seed and ${verdict.unpairedSeeds.length === 1 ? 'was' : 'were'} not tested.`
      : '';
  return `- **${rowLabel(row)}**: ${text}.${mean}${paperGain(row, baseline, paperTestSetSize)}${unpaired}`;
}

/**
 * A short Markdown text for under the table: for each row, whether its difference to the baseline is
 * significant (per seed, exact McNemar, the table's alpha), in how many seeds, and the mean difference
 * in test images and percentage points; all computed from the table.
 */
export function describeSignificance(table: PaperTable, options: SignificanceTextOptions = {}): string {
  const { paperTestSetSize = PAPER_TEST_SET_SIZE } = options;
  const baseline = table.rows.find((r) => r.isBaseline);
  if (!baseline) throw new RangeError(`the table has no baseline row ${table.baselineRow}`);
  const others = table.rows.filter((r) => !r.isBaseline);
  const intro =
    `Against the baseline (${table.baselineLabel}), each seed is tested with the exact two-sided McNemar test ` +
    `on the paired test predictions of the run with the same seed, at the ${formatLevel(table.alpha)}% level ` +
    `(${groupThousands(table.testSetSize)} test images: one image is ${Number((100 / table.testSetSize).toPrecision(2))} points).`;
  if (others.length === 0) return `${intro}\n\nThere is no other row to compare.\n`;
  return `${intro}\n\n${others.map((row) => describeRow(row, table, baseline, paperTestSetSize)).join('\n')}\n`;
}
