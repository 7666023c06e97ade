import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { runConfusionMatrix, type ConfusionMatrix } from './confusion.js';
import { validateRun, type RunRecord } from './runs.js';
import { mean } from './stats.js';
import { rowLabel } from './table.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Vega numbers gradient and clip-path ids with a counter that lives as long as the process, so two
 * renders of the same chart differ. Renumbering the ids per document makes the SVG deterministic.
 */
function renumberIds(svg: string): string {
  const ids = new Map<string, string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = match[1] as string;
    if (!ids.has(id)) ids.set(id, `${id.replace(/[_-]?\d+$/, '')}_${ids.size}`);
  }
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (whole, prefix: string, id: string) => {
    const renamed = ids.get(id);
    return renamed === undefined ? whole : `${prefix}${renamed}`;
  });
}

/** Renders a Vega-Lite spec to an SVG string in Node (no browser, no canvas), deterministically. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return renumberIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

function titleOf(text: string, subtitle: string | readonly string[] | undefined) {
  const lines = subtitle === undefined ? [] : typeof subtitle === 'string' ? [subtitle] : [...subtitle];
  return { text, anchor: 'start' as const, ...(lines.length > 0 ? { subtitle: lines } : {}) };
}

/** Options of {@link accuracyCurvesSvg}. */
export interface AccuracyCurvesOptions {
  /** Title (default `Accuracy per epoch, mean over seeds`). */
  title?: string;
  /** Subtitle, typically the configuration label; an array gives one line per entry. */
  subtitle?: string | readonly string[];
  /** Row config names in legend order (default: the paper's rows first, then the order of the runs). */
  rowOrder?: readonly string[];
  /** Plot width in pixels (default 520). */
  width?: number;
  /** Plot height in pixels (default 320). */
  height?: number;
}

/** One point of the accuracy curves: a row's mean accuracy (percent) over seeds at an epoch. */
export interface CurvePoint {
  row: string;
  /** `model, loss` of the row. */
  label: string;
  split: 'train' | 'test';
  epoch: number;
  /** Mean over the seeds that reached this epoch, in percent. */
  accuracy: number;
  /** How many seeds the mean is over. */
  seeds: number;
}

function orderedRows(runs: readonly RunRecord[], rowOrder?: readonly string[]): string[] {
  const present = [...new Set(runs.map((r) => r.row))];
  const order = rowOrder ?? [];
  return [...order.filter((row) => present.includes(row)), ...present.filter((row) => !order.includes(row))];
}

/** The data behind {@link accuracyCurvesSvg}: per row, split and epoch, the mean accuracy over seeds. */
export function accuracyCurvePoints(runs: readonly RunRecord[], rowOrder?: readonly string[]): CurvePoint[] {
  runs.forEach(validateRun);
  const points: CurvePoint[] = [];
  for (const row of orderedRows(runs, rowOrder)) {
    const rowRuns = runs.filter((r) => r.row === row);
    const first = rowRuns[0] as RunRecord;
    const epochs = [...new Set(rowRuns.flatMap((r) => r.epochs.map((e) => e.epoch)))].sort((a, b) => a - b);
    for (const split of ['train', 'test'] as const) {
      for (const epoch of epochs) {
        const values = rowRuns.flatMap((r) =>
          r.epochs.filter((e) => e.epoch === epoch).map((e) => (split === 'train' ? e.trainAccuracy : e.testAccuracy)),
        );
        points.push({ row, label: rowLabel(first), split, epoch, accuracy: mean(values) * 100, seeds: values.length });
      }
    }
  }
  return points;
}

/**
 * SVG line chart of training and test accuracy per epoch for every row: colour by row, solid for
 * test and dashed for train; each line is the mean over the row's seeds (see {@link accuracyCurvePoints}).
 */
export async function accuracyCurvesSvg(runs: readonly RunRecord[], options: AccuracyCurvesOptions = {}): Promise<string> {
  const points = accuracyCurvePoints(runs, options.rowOrder);
  const labels = [...new Set(points.map((p) => p.label))];
  if (labels.length !== new Set(points.map((p) => p.row)).size) {
    throw new RangeError('accuracyCurvesSvg: two rows share one "model, loss" label; give them distinct display names');
  }
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: titleOf(options.title ?? 'Accuracy per epoch, mean over seeds', options.subtitle),
    width: options.width ?? 520,
    height: options.height ?? 320,
    background: 'white',
    data: { values: points },
    mark: { type: 'line', point: { size: 18 } },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } },
      color: {
        field: 'label',
        type: 'nominal',
        title: 'model, loss',
        scale: { domain: labels },
        sort: labels,
        legend: { labelLimit: 400 },
      },
      strokeDash: {
        field: 'split',
        type: 'nominal',
        title: 'split',
        scale: {
          domain: ['test', 'train'],
          range: [
            [1, 0],
            [6, 3],
          ],
        },
      },
    },
  };
  return renderSvg(spec);
}

/** Options of {@link confusionMatrixSvg}. */
export interface ConfusionMatrixOptions {
  /** Class names in class-index order, at least one per class of the matrix (default: the indices). */
  classNames?: readonly string[];
  /** Title (default `Confusion matrix`). */
  title?: string;
  /** Subtitle, e.g. the configuration label; an array gives one line per entry. */
  subtitle?: string | readonly string[];
  /** Side of one cell in pixels (default 22). */
  cellSize?: number;
}

/**
 * SVG heatmap of a confusion matrix (rows: true class, columns: predicted class) with the count in
 * every non-empty cell. Takes a matrix or a run (its predictions at the reference-selected epoch).
 */
export async function confusionMatrixSvg(input: RunRecord | ConfusionMatrix, options: ConfusionMatrixOptions = {}): Promise<string> {
  const matrix = Array.isArray(input) ? input : runConfusionMatrix(input);
  const k = matrix.length;
  if (k === 0 || matrix.some((row) => row.length !== k))
    throw new RangeError('confusionMatrixSvg: the matrix must be square and non-empty');
  // Names may cover more classes than the matrix has (a model's every output, of which the runs used the first k).
  const names = options.classNames ? options.classNames.slice(0, k) : Array.from({ length: k }, (_, i) => String(i));
  if (names.length !== k) throw new RangeError(`confusionMatrixSvg: ${names.length} class names for ${k} classes`);
  if (new Set(names).size !== k) throw new RangeError('confusionMatrixSvg: class names must be distinct');
  const cells = matrix.flatMap((row, t) =>
    row.map((count, p) => {
      if (!Number.isInteger(count) || count < 0)
        throw new RangeError(`confusionMatrixSvg: cell [${t}][${p}] is ${count}, expected a count`);
      return { true: names[t] as string, predicted: names[p] as string, count };
    }),
  );
  const max = Math.max(1, ...cells.map((c) => c.count));
  const cell = options.cellSize ?? 22;
  const axis = (field: 'true' | 'predicted', title: string) => ({
    field,
    type: 'ordinal' as const,
    sort: names,
    title,
    axis: { labelAngle: 0 },
  });
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: titleOf(options.title ?? 'Confusion matrix', options.subtitle),
    width: cell * k,
    height: cell * k,
    background: 'white',
    data: { values: cells },
    encoding: { x: axis('predicted', 'predicted class'), y: axis('true', 'true class') },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: { color: { field: 'count', type: 'quantitative', title: 'count', scale: { scheme: 'blues', domain: [0, max] } } },
      },
      {
        transform: [{ filter: 'datum.count > 0' }],
        mark: { type: 'text', fontSize: Math.max(6, Math.min(11, cell * 0.4)) },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
  return renderSvg(spec);
}
