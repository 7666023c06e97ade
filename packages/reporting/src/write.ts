import { mkdir } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { join } from 'node:path';
import { confusionMatrixOfRuns } from './confusion.js';
import { toCsv, toJson, toLatex, toMarkdown } from './formats.js';
import { accuracyCurvesSvg, confusionMatrixSvg } from './plots.js';
import { bestRow, rowLabel, type PaperTable } from './table.js';
import type { RunRecord } from './runs.js';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Class names for the confusion matrix, in class-index order (default: the indices). */
  classNames?: readonly string[];
  /** The name of the table files, `<name>.{md,csv,tex,json}` (default 'paper-table'). */
  name?: string;
}

/** The files {@link writeReport} wrote, by kind. */
export interface ReportFiles {
  markdown: string;
  csv: string;
  latex: string;
  json: string;
  accuracyCurves: string;
  confusionMatrix: string;
}

/**
 * Writes the report into `dir` (created if needed): `paper-table.md` (table, legend and significance
 * text), `paper-table.csv`, `paper-table.tex`, `paper-table.json` (another name with `options.name`), `accuracy-curves.svg` and
 * `confusion-matrix.svg` (the best row by mean best-on-test accuracy, summed over its seeds).
 * Every file goes through a temporary file and a rename.
 */
export async function writeReport(
  dir: string,
  table: PaperTable,
  runs: readonly RunRecord[],
  options: WriteReportOptions = {},
): Promise<ReportFiles> {
  const name = options.name ?? 'paper-table';
  if (!/^[\w.-]+$/.test(name)) throw new Error(`writeReport: the table's name must be a plain file name, got '${name}'`);
  await mkdir(dir, { recursive: true });
  const best = bestRow(table);
  const bestRuns = runs.filter((r) => r.row === best.row);
  const seeds = bestRuns.map((r) => r.seed).sort((a, b) => a - b);
  const files: ReportFiles = {
    markdown: join(dir, `${name}.md`),
    csv: join(dir, `${name}.csv`),
    latex: join(dir, `${name}.tex`),
    json: join(dir, `${name}.json`),
    accuracyCurves: join(dir, 'accuracy-curves.svg'),
    confusionMatrix: join(dir, 'confusion-matrix.svg'),
  };
  const curves = await accuracyCurvesSvg(runs, { subtitle: table.configuration, rowOrder: table.rows.map((r) => r.row) });
  const confusion = await confusionMatrixSvg(confusionMatrixOfRuns(bestRuns), {
    ...(options.classNames ? { classNames: options.classNames } : {}),
    title: `Confusion matrix: ${rowLabel(best)} (best mean test accuracy)`,
    subtitle: [
      `test predictions at the best-on-test epoch, summed over ${seeds.length === 1 ? 'seed' : 'seeds'} ${seeds.join(', ')}`,
      table.configuration,
    ],
  });
  await Promise.all([
    writeFileAtomic(files.markdown, toMarkdown(table)),
    writeFileAtomic(files.csv, toCsv(table)),
    writeFileAtomic(files.latex, toLatex(table)),
    writeFileAtomic(files.json, toJson(table)),
    writeFileAtomic(files.accuracyCurves, curves),
    writeFileAtomic(files.confusionMatrix, confusion),
  ]);
  return files;
}
