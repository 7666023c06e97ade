import { h, fixed4, paintImage, percent } from './dom.js';
import { classifyLive } from './live.js';
import { emnistPixels, inkOfRgba } from './preprocess.js';
import { entropy, letterRanges, outputName, topK } from './prediction.js';
import type { RunModel } from './runs.js';

/** Side of the drawing surface in its own pixels (a NIST scan is 128: strokes scale with it). */
const PAD_SIZE = 280;
/** Pen width on the surface: about 9 pixels of a 128-pixel scan. */
const PEN_WIDTH = 20;

type Point = readonly [number, number];

/** The draw-and-compare view: a drawing surface, the 28×28 input it makes, and one card per model. */
export class DrawView {
  private readonly strokes: Point[][] = [];
  private readonly pad = h('canvas', {
    width: PAD_SIZE,
    height: PAD_SIZE,
    class: 'pad',
    role: 'img',
    'aria-label': 'Drawing surface: draw one letter with a mouse, a finger or a pen',
  });
  private readonly preview = h('canvas', {
    width: 28,
    height: 28,
    class: 'preview',
    id: 'input-preview',
    role: 'img',
    'aria-label': 'The 28×28 image the models see, centred and scaled as EMNIST letters are',
  });
  private readonly cards = h('div', { class: 'cards', id: 'model-cards', 'data-busy': 'false' });
  private readonly live: ReturnType<typeof classifyLive>;

  constructor(
    private readonly root: HTMLElement,
    private readonly models: () => readonly RunModel[],
    loadForm: HTMLElement,
  ) {
    this.live = classifyLive(this.models, (pixels, probabilities) => this.show(pixels, probabilities), this.cards);
    const undo = h('button', { type: 'button', id: 'undo', 'aria-keyshortcuts': 'Control+Z' }, 'Undo');
    const clear = h('button', { type: 'button', id: 'clear', 'aria-keyshortcuts': 'Delete' }, 'Clear');
    undo.addEventListener('click', () => this.undo());
    clear.addEventListener('click', () => this.clear());
    document.addEventListener('keydown', (event) => {
      if (root.hidden || (event.target as HTMLElement).matches('input, select, textarea')) return;
      if ((event.ctrlKey || event.metaKey) && event.key === 'z') {
        event.preventDefault();
        this.undo();
      } else if (event.key === 'Delete') this.clear();
    });
    this.listen();
    root.append(
      h('h2', {}, 'Draw a letter'),
      h(
        'p',
        { class: 'hint' },
        'Each model classifies it as you draw: its five most probable letters, and the entropy H(p) of its prediction (in nats). ',
        'MIN-ENT pushes that entropy down during training; MIX-ENT adds a swapped Kullback–Leibler term.',
      ),
      h(
        'div',
        { class: 'draw-layout' },
        h(
          'div',
          { class: 'pad-column' },
          this.pad,
          h('div', { class: 'buttons' }, undo, clear),
          h('figure', { class: 'preview-figure' }, this.preview, h('figcaption', {}, 'What the models see (28×28)')),
        ),
        this.cards,
      ),
      loadForm,
    );
    this.renderCards();
  }

  /** Rebuilds the cards for the models now loaded (after one is added). */
  renderCards(): void {
    this.cards.replaceChildren(
      ...this.models().map((run) =>
        h(
          'article',
          { class: 'card', 'data-model': run.id, 'aria-labelledby': `title-${run.id}` },
          h('h3', { id: `title-${run.id}` }, run.title),
          h(
            'p',
            { class: 'knows' },
            `Knows ${letterRanges(run.letters)} (${run.lettersSource})`,
            run.testAccuracy === undefined ? '' : `; ${percent(run.testAccuracy)} on its test set`,
          ),
          h('ol', { class: 'top5', 'aria-label': `Top 5 letters of ${run.title}` }),
          h(
            'p',
            { class: 'entropy' },
            'H(p) = ',
            h('output', { 'data-testid': 'entropy' }, '–'),
            ' nats',
            h('span', { class: 'bar entropy-bar' }),
          ),
        ),
      ),
    );
    this.live.request(this.pixels());
  }

  /** Draws the models' answers for the latest input. */
  private show(pixels: Uint8Array | undefined, probabilities: Float64Array[] | undefined): void {
    paintImage(this.preview, pixels ?? new Uint8Array(28 * 28));
    this.models().forEach((run, m) => {
      const card = this.cards.querySelector(`[data-model="${run.id}"]`) as HTMLElement;
      const list = card.querySelector('.top5') as HTMLElement;
      const output = card.querySelector('[data-testid="entropy"]') as HTMLElement;
      const bar = card.querySelector('.entropy-bar') as HTMLElement;
      const p = probabilities?.[m];
      if (!p) {
        list.replaceChildren();
        output.textContent = '–';
        bar.style.setProperty('--fill', '0');
        return;
      }
      list.replaceChildren(
        ...topK(p, 5).map(({ index, probability }) => {
          const letter = outputName(index);
          const known = run.letters.includes(letter);
          return h(
            'li',
            {
              'data-letter': letter,
              class: known ? '' : 'unknown',
              title: known ? undefined : `${run.title} was not trained on ${letter}`,
            },
            h('span', { class: 'letter' }, letter),
            h('span', { class: 'bar', style: `--fill: ${probability}` }),
            h('span', { class: 'probability', 'data-testid': 'probability' }, fixed4(probability)),
          );
        }),
      );
      const uncertainty = entropy(p);
      output.textContent = fixed4(uncertainty);
      // Full at ln(number of outputs), the entropy of a uniform prediction.
      bar.style.setProperty('--fill', String(uncertainty / Math.log(p.length)));
    });
  }

  private pixels(): Uint8Array | undefined {
    const context = this.pad.getContext('2d') as CanvasRenderingContext2D;
    return emnistPixels(inkOfRgba(context.getImageData(0, 0, PAD_SIZE, PAD_SIZE).data, PAD_SIZE, PAD_SIZE));
  }

  private redraw(): void {
    const context = this.pad.getContext('2d') as CanvasRenderingContext2D;
    context.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
    Object.assign(context, { lineWidth: PEN_WIDTH, lineCap: 'round', lineJoin: 'round', strokeStyle: '#000', fillStyle: '#000' });
    for (const stroke of this.strokes) {
      const [first, ...rest] = stroke as [Point, ...Point[]];
      context.beginPath();
      if (rest.length === 0) {
        context.arc(first[0], first[1], PEN_WIDTH / 2, 0, 2 * Math.PI);
        context.fill();
        continue;
      }
      context.moveTo(first[0], first[1]);
      for (const [x, y] of rest) context.lineTo(x, y);
      context.stroke();
    }
    this.live.request(this.pixels());
  }

  private undo(): void {
    this.strokes.pop();
    this.redraw();
  }

  private clear(): void {
    this.strokes.length = 0;
    this.redraw();
  }

  /** Pointer events: one code path for a mouse, a finger and a pen. */
  private listen(): void {
    const at = (event: PointerEvent): Point => {
      const box = this.pad.getBoundingClientRect();
      return [((event.clientX - box.left) * PAD_SIZE) / box.width, ((event.clientY - box.top) * PAD_SIZE) / box.height];
    };
    let drawing: Point[] | undefined;
    this.pad.addEventListener('pointerdown', (event) => {
      this.pad.setPointerCapture(event.pointerId);
      drawing = [at(event)];
      this.strokes.push(drawing);
      this.redraw();
    });
    this.pad.addEventListener('pointermove', (event) => {
      if (!drawing) return;
      // Coalesced events: a fast pen reports more points than frames.
      for (const e of event.getCoalescedEvents?.() ?? [event]) drawing.push(at(e));
      this.redraw();
    });
    const end = () => {
      drawing = undefined;
    };
    this.pad.addEventListener('pointerup', end);
    this.pad.addEventListener('pointercancel', end);
  }
}
