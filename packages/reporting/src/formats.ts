import { MISSING, formatLevel, formatPValue, formatPercent, formatSigned } from './format.js';
import { describeSignificance } from './summary.js';
import type { AccuracySummary, PaperTable, SeedResult, TableRow } from './table.js';

function sameSeeds(table: PaperTable): boolean {
  const key = table.seeds.join(',');
  return table.rows.every((r) => r.seeds.map((s) => s.seed).join(',') === key);
}

/** Per-seed values joined by ` / `, prefixed by the seed when the rows do not share one seed list. */
function perSeed(row: TableRow, uniform: boolean, cell: (s: SeedResult) => string): string {
  return row.seeds.map((s) => (uniform ? cell(s) : `${s.seed}: ${cell(s)}`)).join(' / ');
}

function meanStd(summary: AccuracySummary): string {
  return `${formatPercent(summary.mean)} ± ${formatPercent(summary.std)}`;
}

function ci(summary: AccuracySummary): string {
  return summary.ci ? `[${formatPercent(summary.ci.low)}, ${formatPercent(summary.ci.high)}]` : MISSING;
}

function paperCell(row: TableRow): string {
  return row.paperAccuracy === null ? MISSING : String(row.paperAccuracy);
}

function verdictCell(row: TableRow): string {
  const v = row.verdict;
  if (!v) return 'baseline';
  if (v.comparedSeeds === 0) return MISSING;
  const better = v.significantBetter;
  const worse = v.significantWorse;
  const directions =
    better > 0 && worse > 0 ? ` (${better} better, ${worse} worse)` : better > 0 ? ' (better)' : worse > 0 ? ' (worse)' : '';
  return `${v.significantSeeds} of ${v.comparedSeeds}${directions}`;
}

/** The human-readable table: headers and cells shared by Markdown and LaTeX. */
function humanTable(table: PaperTable): { headers: string[]; rows: string[][] } {
  const uniform = sameSeeds(table);
  const seedsNote = uniform ? `per seed (${table.seeds.join(' / ')})` : 'per seed';
  const level = `${formatLevel(table.confidenceLevel)}% CI`;
  const headers = [
    'Model',
    'Loss',
    'Paper (%)',
    `Best on test (%), ${seedsNote}`,
    `Val. selected (%), ${seedsNote}`,
    'Best on test (%), mean ± std',
    `Best on test (%), ${level}`,
    'Val. selected (%), mean ± std',
    `Val. selected (%), ${level}`,
    `Δ images vs baseline, ${seedsNote}`,
    `McNemar p, ${seedsNote}`,
    `Significant at ${formatLevel(table.alpha)}%`,
  ];
  const rows = table.rows.map((row) => [
    row.model,
    row.loss,
    paperCell(row),
    perSeed(row, uniform, (s) => formatPercent(s.bestTestAccuracy)),
    perSeed(row, uniform, (s) => formatPercent(s.valSelectedTestAccuracy)),
    meanStd(row.bestTestAccuracy),
    ci(row.bestTestAccuracy),
    meanStd(row.valSelectedTestAccuracy),
    ci(row.valSelectedTestAccuracy),
    row.isBaseline ? 'baseline' : perSeed(row, uniform, (s) => (s.vsBaseline ? formatSigned(s.vsBaseline.netImages) : MISSING)),
    row.isBaseline
      ? MISSING
      : perSeed(row, uniform, (s) =>
          s.vsBaseline ? `${formatPValue(s.vsBaseline.pValue)}${s.vsBaseline.significant ? '*' : ''}` : MISSING,
        ),
    verdictCell(row),
  ]);
  return { headers, rows };
}

function legend(table: PaperTable): string {
  return (
    "Best on test: the reference's selection, the epoch with the best test accuracy (optimistic). " +
    'Val. selected: the epoch chosen on the validation split. ' +
    `Mean ± sample std (n − 1) and Student-t ${formatLevel(table.confidenceLevel)}% CI over seeds; ${MISSING}: undefined for one seed. ` +
    `Δ images: test images this row gets right minus the baseline's (${table.baselineLabel}), same seed. ` +
    `p: exact two-sided McNemar test on the paired predictions; * p < ${table.alpha}.`
  );
}

/** Line breaks of any kind, which would end a table row or a LaTeX comment: each run becomes one space. */
const LINE_BREAKS = /[\r\n\u2028\u2029]+/g;

function escapeMarkdown(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(/\|/g, '\\|');
}

/** Options of {@link toMarkdown}. */
export interface MarkdownOptions {
  /** Add the significance text of {@link describeSignificance} under the table (default true). */
  summary?: boolean;
}

/** The table as Markdown: a bold title line, the table, a legend, and (by default) the significance text. */
export function toMarkdown(table: PaperTable, options: MarkdownOptions = {}): string {
  const { headers, rows } = humanTable(table);
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const align = headers.map((_, i) => (i < 2 || i === headers.length - 1 ? '---' : '--:'));
  const parts = [`**${escapeMarkdown(table.title)}**`, '', line(headers), `|${align.join('|')}|`, ...rows.map(line), '', legend(table)];
  if (options.summary ?? true) parts.push('', describeSignificance(table).trimEnd());
  return `${parts.join('\n')}\n`;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function pct(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined || !Number.isFinite(fraction) ? '' : (fraction * 100).toFixed(2);
}

/**
 * The table as CSV, one line per row, with the configuration in every line. Per-seed fields list
 * one value per seed of the `seeds` column, separated by `;`. Undefined values are empty.
 */
export function toCsv(table: PaperTable): string {
  const level = formatLevel(table.confidenceLevel);
  const headers = [
    'configuration',
    'row',
    'model',
    'loss',
    'paper_pct',
    'seeds',
    'best_on_test_pct',
    'val_selected_pct',
    'best_on_test_mean_pct',
    'best_on_test_std_pct',
    `best_on_test_ci${level}_low_pct`,
    `best_on_test_ci${level}_high_pct`,
    'val_selected_mean_pct',
    'val_selected_std_pct',
    `val_selected_ci${level}_low_pct`,
    `val_selected_ci${level}_high_pct`,
    'mcnemar_b',
    'mcnemar_c',
    'net_images',
    'mcnemar_p',
    'significant_seeds',
    'compared_seeds',
    'mean_net_images',
  ];
  const perSeedList = (row: TableRow, cell: (s: SeedResult) => string) => row.seeds.map(cell).join(';');
  const vs = (row: TableRow, cell: (c: NonNullable<SeedResult['vsBaseline']>) => string) =>
    row.isBaseline ? null : perSeedList(row, (s) => (s.vsBaseline ? cell(s.vsBaseline) : ''));
  const lines = table.rows.map((row) =>
    [
      table.configuration,
      row.row,
      row.model,
      row.loss,
      row.paperAccuracy,
      perSeedList(row, (s) => String(s.seed)),
      perSeedList(row, (s) => pct(s.bestTestAccuracy)),
      perSeedList(row, (s) => pct(s.valSelectedTestAccuracy)),
      pct(row.bestTestAccuracy.mean),
      pct(row.bestTestAccuracy.std),
      pct(row.bestTestAccuracy.ci?.low),
      pct(row.bestTestAccuracy.ci?.high),
      pct(row.valSelectedTestAccuracy.mean),
      pct(row.valSelectedTestAccuracy.std),
      pct(row.valSelectedTestAccuracy.ci?.low),
      pct(row.valSelectedTestAccuracy.ci?.high),
      vs(row, (c) => String(c.b)),
      vs(row, (c) => String(c.c)),
      vs(row, (c) => String(c.netImages)),
      vs(row, (c) => String(Number(c.pValue.toPrecision(4)))),
      row.verdict?.significantSeeds ?? null,
      row.verdict?.comparedSeeds ?? null,
      row.verdict?.meanNetImages ?? null,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[headers.join(','), ...lines].join('\n')}\n`;
}

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '±': '$\\pm$',
  '×': '$\\times$',
  '–': '--',
  '−': '$-$',
  Δ: '$\\Delta$',
  '<': '$<$',
  '>': '$>$',
};

/** Escapes text for LaTeX: the special characters and the few non-ASCII symbols the tables use. */
export function escapeLatex(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(/[\\&%$#_{}~^±×–−Δ<>]/g, (ch) => LATEX_SPECIALS[ch] ?? ch);
}

/** Options of {@link toLatex}. */
export interface LatexOptions {
  /** `\label` of the table (default `tab:paper-table`). */
  label?: string;
}

/**
 * The table as a LaTeX `table` float with booktabs rules (`\toprule`, `\midrule`, `\bottomrule`),
 * the title as caption, scaled to the line width, and the legend under it.
 * Needs `\usepackage{booktabs}` and `\usepackage{graphicx}`.
 */
export function toLatex(table: PaperTable, options: LatexOptions = {}): string {
  const { label = 'tab:paper-table' } = options;
  const { headers, rows } = humanTable(table);
  const spec = headers.map((_, i) => (i < 2 || i === headers.length - 1 ? 'l' : 'r')).join('');
  const line = (cells: readonly string[]) => `    ${cells.map(escapeLatex).join(' & ')} \\\\`;
  return [
    '% Generated by @mixent/reporting. Needs \\usepackage{booktabs} and \\usepackage{graphicx}.',
    `% Configuration: ${table.configuration.replace(LINE_BREAKS, ' ')}`,
    '\\begin{table}[htbp]',
    '  \\centering',
    `  \\caption{${escapeLatex(table.title)}}`,
    `  \\label{${label}}`,
    '  \\resizebox{\\linewidth}{!}{%',
    `  \\begin{tabular}{${spec}}`,
    '    \\toprule',
    line(headers),
    '    \\midrule',
    ...rows.map(line),
    '    \\bottomrule',
    '  \\end{tabular}}',
    '  \\par\\smallskip',
    `  {\\footnotesize ${escapeLatex(legend(table))}\\par}`,
    '\\end{table}',
    '',
  ].join('\n');
}

/** The table as pretty-printed JSON (two-space indent, trailing newline); `JSON.parse` gives the table back. */
export function toJson(table: PaperTable): string {
  return `${JSON.stringify(table, null, 2)}\n`;
}
