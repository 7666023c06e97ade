import { type LetterSet, imageAt } from '@mixent/data';
import { predictSet } from './classify.js';
import { h, nextFrame, paintImage, percent } from './dom.js';
import { outputName } from './prediction.js';
import type { RunModel } from './runs.js';

/** Images shown per page of the grid. */
const PAGE_SIZE = 96;

/** Which images the grid shows. */
type Filter =
  | { kind: 'all' | 'disagree' | 'any-wrong' | 'all-wrong' }
  | { kind: 'wrong'; model: number }
  | { kind: 'cell'; model: number; label: number; predicted: number };

/** The indices of the images a filter keeps, given each model's predictions. */
export function filterImages(labels: Uint8Array, predictions: readonly Int32Array[], filter: Filter): number[] {
  const keep = (i: number): boolean => {
    const answers = predictions.map((p) => p[i] as number);
    const label = labels[i] as number;
    switch (filter.kind) {
      case 'all':
        return true;
      case 'disagree':
        return answers.some((a) => a !== answers[0]);
      case 'any-wrong':
        return answers.some((a) => a !== label);
      case 'all-wrong':
        return answers.every((a) => a !== label);
      case 'wrong':
        return answers[filter.model] !== label;
      case 'cell':
        return label === filter.label && answers[filter.model] === filter.predicted;
    }
  };
  return Array.from({ length: labels.length }, (_, i) => i).filter(keep);
}

/** The test-set browser: each model's prediction on every sample test image, filters and a confusion matrix. */
export class TestSetView {
  private predictions: Int32Array[] | undefined;
  private filter: Filter = { kind: 'all' };
  private page = 0;
  private matrixModel = 0;
  private readonly status = h('p', { role: 'status', class: 'status' }, 'Not computed yet.');
  private readonly summary = h('ul', { class: 'accuracies' });
  private readonly filterSelect = h('select', { id: 'filter', 'aria-label': 'Show' });
  private readonly count = h('p', { 'data-testid': 'filter-count', 'aria-live': 'polite' });
  private readonly grid = h('ol', { class: 'grid', 'aria-label': 'Test images' });
  private readonly pager = h('div', { class: 'pager' });
  private readonly matrixSelect = h('select', { id: 'matrix-model', 'aria-label': 'Confusion matrix of' });
  private readonly matrix = h('div', { class: 'matrix' });

  constructor(
    private readonly root: HTMLElement,
    private readonly models: () => readonly RunModel[],
    private readonly test: LetterSet,
  ) {
    this.filterSelect.addEventListener('change', () => this.setFilter(JSON.parse(this.filterSelect.value) as Filter));
    this.matrixSelect.addEventListener('change', () => {
      this.matrixModel = Number(this.matrixSelect.value);
      this.renderMatrix();
    });
    root.append(
      h('h2', {}, 'The test set'),
      h('p', { class: 'hint' }, `The ${test.count.toLocaleString('en')} test images of the embedded sample, with each model's prediction.`),
      this.status,
      this.summary,
      h(
        'div',
        { class: 'test-layout' },
        h('div', {}, h('label', { for: 'filter' }, 'Show '), this.filterSelect, this.count, this.grid, this.pager),
        h('div', {}, h('h3', {}, 'Confusion matrix'), h('label', { for: 'matrix-model' }, 'Of '), this.matrixSelect, this.matrix),
      ),
    );
  }

  /** Predicts the whole test set with every loaded model (again after a model is added), then shows it. */
  async compute(): Promise<void> {
    this.root.dataset.ready = 'false';
    const models = this.models();
    this.predictions = await predictSet(models, this.test.images, this.test.count, async (done) => {
      this.status.textContent = `Predicting: ${done} of ${this.test.count} images…`;
      await nextFrame();
    });
    this.status.textContent = `${models.length} models, ${this.test.count} images.`;
    this.summary.replaceChildren(
      ...models.map((run, m) => {
        const wrong = filterImages(this.test.labels, [this.predictions![m]!], { kind: 'wrong', model: 0 }).length;
        return h('li', {}, `${run.title}: ${percent(1 - wrong / this.test.count)} right`);
      }),
    );
    const option = (filter: Filter, text: string) => h('option', { value: JSON.stringify(filter) }, text);
    this.filterSelect.replaceChildren(
      option({ kind: 'all' }, 'every image'),
      option({ kind: 'disagree' }, 'images where the models disagree'),
      option({ kind: 'any-wrong' }, 'images some model gets wrong'),
      option({ kind: 'all-wrong' }, 'images every model gets wrong'),
      ...models.map((run, model) => option({ kind: 'wrong', model }, `images ${run.title} gets wrong`)),
    );
    this.matrixSelect.replaceChildren(...models.map((run, m) => h('option', { value: m }, run.title)));
    this.setFilter({ kind: 'all' });
    this.renderMatrix();
    this.root.dataset.ready = 'true';
  }

  private setFilter(filter: Filter): void {
    this.filter = filter;
    this.page = 0;
    if (filter.kind !== 'cell') this.filterSelect.value = JSON.stringify(filter);
    this.renderGrid();
  }

  private renderGrid(): void {
    const predictions = this.predictions as Int32Array[];
    const models = this.models();
    const shown = filterImages(this.test.labels, predictions, this.filter);
    const cell = this.filter.kind === 'cell' ? this.filter : undefined;
    this.count.textContent = cell
      ? `${shown.length} images of ${outputName(cell.label)} that ${models[cell.model]?.title} reads as ${outputName(cell.predicted)}`
      : `${shown.length} images`;
    this.count.dataset.count = String(shown.length);
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    this.grid.replaceChildren(
      ...shown.slice(this.page * PAGE_SIZE, (this.page + 1) * PAGE_SIZE).map((i) => {
        const label = this.test.labels[i] as number;
        const canvas = h('canvas', {
          width: 28,
          height: 28,
          role: 'img',
          'aria-label': `test image ${i}, the letter ${outputName(label)}`,
        });
        paintImage(canvas, imageAt(this.test, i));
        const answers = predictions.map((p, m) =>
          h('span', { class: p[i] === label ? 'right' : 'wrong', title: models[m]?.title }, outputName(p[i] as number)),
        );
        return h('li', { 'data-index': i }, h('figure', {}, canvas, h('figcaption', {}, h('b', {}, outputName(label)), ' → ', ...answers)));
      }),
    );
    const button = (text: string, page: number, disabled: boolean) => {
      const b = h('button', { type: 'button', disabled }, text);
      b.addEventListener('click', () => {
        this.page = page;
        this.renderGrid();
      });
      return b;
    };
    this.pager.replaceChildren(
      button('Previous page', this.page - 1, this.page === 0),
      ` page ${this.page + 1} of ${pages} `,
      button('Next page', this.page + 1, this.page + 1 >= pages),
    );
  }

  /** The selected model's confusion matrix over the letters of the set; each count opens its images. */
  private renderMatrix(): void {
    const predicted = (this.predictions as Int32Array[])[this.matrixModel] as Int32Array;
    const classes = [...new Set(this.test.labels)].sort((a, b) => a - b);
    const others = [...new Set(predicted)].filter((c) => !classes.includes(c)).sort((a, b) => a - b);
    const columns = [...classes, ...others];
    const counts = new Map<string, number>();
    this.test.labels.forEach((label, i) => counts.set(`${label},${predicted[i]}`, (counts.get(`${label},${predicted[i]}`) ?? 0) + 1));
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'true letter, then predicted')),
      ...columns.map((c) => h('th', { scope: 'col' }, outputName(c))),
    );
    const rows = classes.map((label) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, outputName(label)),
        ...columns.map((c) => {
          const n = counts.get(`${label},${c}`) ?? 0;
          if (n === 0) return h('td', {});
          const b = h(
            'button',
            {
              type: 'button',
              class: label === c ? 'diagonal' : 'off',
              'aria-label': `${n} images of ${outputName(label)} read as ${outputName(c)}`,
            },
            String(n),
          );
          b.addEventListener('click', () => this.setFilter({ kind: 'cell', model: this.matrixModel, label, predicted: c }));
          return h('td', {}, b);
        }),
      ),
    );
    this.matrix.replaceChildren(
      h('table', {}, h('caption', {}, 'Rows: the true letter. Columns: the prediction.'), h('thead', {}, head), h('tbody', {}, ...rows)),
    );
  }
}
