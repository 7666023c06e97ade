import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type LetterSet, classToLetter } from '@mixent/data';
import {
  type EpochRecord,
  type StepReport,
  type TrainConfig,
  type TrainerState,
  createTrainer,
  describeRunEnvironment,
  disposeTrainer,
  initialRunState,
  PROFILES,
  resolveConfig,
  runEpoch,
  splitRunData,
} from '@mixent/training';
import { h, nextFrame, percent } from './dom.js';
import type { RunModel } from './runs.js';

/** The repository's named configs (packages/experiments/configs), by name: the rows of its tables. */
const CONFIGS: Record<string, object> = Object.fromEntries(
  Object.entries(import.meta.glob<object>('../../experiments/configs/*.json', { eager: true, import: 'default' })).map(([path, config]) => [
    path.replace(/^.*\/(.+)\.json$/, '$1'),
    config,
  ]),
);

/** The sample profile's budget, which the form starts from and describes. */
const SAMPLE_EPOCHS = PROFILES.sample.epochs as number;
const SAMPLE_WIDTH = PROFILES.sample.model?.widthMultiplier as number;

/** Thrown from a step to stop a run the person stopped. */
class Stopped extends Error {}

/** A number field with its label. */
function numberField(id: string, label: string, value: number, min: number, max: number): HTMLInputElement {
  return h('input', { id, type: 'number', value, min, max, step: 1, required: true, 'aria-label': label });
}

/** The in-browser training view: the sample profile, or a smaller budget, with @mixent/training's own loop. */
export class TrainView {
  private readonly config = h('select', { id: 'train-config', 'aria-label': 'Config' });
  private readonly trainImages = numberField('train-images', 'Training images', 9900, 100, 9900);
  private readonly testImages = numberField('test-images', 'Test images evaluated after each epoch', 3800, 100, 3800);
  private readonly epochs = numberField('train-epochs', 'Epochs', SAMPLE_EPOCHS, 1, 50);
  private readonly batchSize = numberField('batch-size', 'Batch size', 100, 1, 1000);
  private readonly start = h('button', { type: 'submit', id: 'train-start' }, 'Train');
  private readonly stop = h('button', { type: 'button', id: 'train-stop', disabled: true }, 'Stop');
  private readonly status = h('p', { role: 'status', id: 'train-status' }, 'Ready.');
  private readonly speed = h('output', { 'data-testid': 'images-per-second' }, '–');
  private readonly chart = h('div', { class: 'chart' });
  private readonly log = h('ol', { class: 'step-log', id: 'step-log', 'aria-label': 'Steps, newest first', reversed: true, tabindex: 0 });
  private stopping = false;
  private steps: { loss: number; accuracy: number }[] = [];
  private epochsDone: EpochRecord[] = [];

  constructor(
    root: HTMLElement,
    private readonly sample: () => Promise<{ train: LetterSet; test: LetterSet }>,
    private readonly backend: string,
    private readonly addModel: (run: RunModel) => void,
  ) {
    this.config.append(...Object.keys(CONFIGS).map((name) => h('option', { value: name, selected: name === 'vgg5-mixent' }, name)));
    const form = h(
      'form',
      { class: 'train-form' },
      ...(
        [
          ['train-config', 'Config (packages/experiments/configs)', this.config],
          ['train-images', 'Training images (of 9,900)', this.trainImages],
          ['test-images', 'Test images evaluated after each epoch (of 3,800)', this.testImages],
          ['train-epochs', 'Epochs', this.epochs],
          ['batch-size', 'Batch size', this.batchSize],
        ] as const
      ).map(([id, label, input]) => h('div', { class: 'field' }, h('label', { for: id }, label), input)),
      h('div', { class: 'buttons' }, this.start, this.stop),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.train();
    });
    this.stop.addEventListener('click', () => {
      this.stopping = true;
    });
    root.append(
      h('h2', {}, 'Train in the browser'),
      h(
        'p',
        { class: 'hint' },
        `The sample profile (VGG-5 or Spinal-VGG at ×${SAMPLE_WIDTH}, ${SAMPLE_EPOCHS} epochs, the 9,900 training images of the embedded sample) or a smaller budget, on ${backend}, `,
        "with @mixent/training's own loop: the same steps, schedule and evaluation as `mixent train`.",
      ),
      form,
      this.status,
      h('p', {}, 'Speed: ', this.speed),
      this.chart,
      h('h3', {}, 'Steps'),
      this.log,
    );
    this.draw();
  }

  /** The config the form describes: a named config under the sample profile, with the form's budget. */
  private resolved(): TrainConfig {
    const name = this.config.value;
    const trainLimit = Number(this.trainImages.value);
    const testLimit = Number(this.testImages.value);
    return resolveConfig('sample', [
      CONFIGS[name] as object,
      {
        name,
        epochs: Number(this.epochs.value),
        batchSize: Number(this.batchSize.value),
        data: { trainLimit: trainLimit >= 9900 ? null : trainLimit, testLimit: testLimit >= 3800 ? null : testLimit },
      },
    ]);
  }

  private async train(): Promise<void> {
    const config = this.resolved();
    this.start.disabled = true;
    this.stop.disabled = false;
    this.stopping = false;
    this.steps = [];
    this.epochsDone = [];
    this.log.replaceChildren();
    this.status.textContent = 'Loading the sample…';
    const { train, test } = await this.sample();
    const data = splitRunData(config, train, test);
    const trainer = createTrainer({
      config,
      data,
      environment: describeRunEnvironment(config, data, { node: 'none', platform: navigator.userAgent }),
      run: initialRunState(config, tf.getBackend()),
    });
    try {
      await this.epochsOf(trainer);
      await this.keep(trainer);
    } catch (error) {
      if (error instanceof Stopped) {
        this.status.textContent = `Stopped after ${this.steps.length} steps.`;
      } else {
        this.status.textContent = `Training failed: ${(error as Error).message}`;
        console.error(error);
      }
    } finally {
      disposeTrainer(trainer);
      this.start.disabled = false;
      this.stop.disabled = true;
    }
  }

  private async epochsOf(trainer: TrainerState): Promise<void> {
    const { config, data } = trainer;
    while (trainer.run.epoch < config.epochs) {
      const started = performance.now();
      const epoch = trainer.run.epoch + 1;
      this.status.textContent = `Epoch ${epoch} of ${config.epochs}: training on ${data.train.count} images…`;
      const { record, imagesPerSecond } = await runEpoch(trainer, {
        onStep: async (report, totals) => {
          this.onStep(report, totals.seen / ((performance.now() - started) / 1000));
          if (totals.seen === data.train.count) this.status.textContent = `Epoch ${epoch}: evaluating on ${data.test.count} test images…`;
          await nextFrame();
          if (this.stopping) throw new Stopped();
        },
        diverged: (what) => new Error(`${config.name}: ${what}`),
      });
      this.epochsDone.push(record);
      this.speed.textContent = `${imagesPerSecond.toFixed(1)} images/s`;
      this.status.textContent = `Epoch ${epoch} of ${config.epochs}: loss ${record.loss.toFixed(4)}, train ${percent(record.trainAccuracy)}, test ${percent(record.testAccuracy)}.`;
      this.draw();
    }
    this.status.dataset.done = 'true';
  }

  private onStep({ epoch, step, loss, correct, batch }: StepReport, imagesPerSecond: number): void {
    this.steps.push({ loss, accuracy: correct / batch.size });
    this.speed.textContent = `${imagesPerSecond.toFixed(1)} images/s`;
    this.log.prepend(
      h(
        'li',
        { 'data-loss': loss },
        `epoch ${epoch}, step ${step}: loss ${loss.toFixed(4)}, batch accuracy ${percent(correct / batch.size)}`,
      ),
    );
    this.draw();
  }

  /** Keeps a copy of the trained model (the trainer's is disposed) and offers it to the comparison. */
  private async keep(trainer: TrainerState): Promise<void> {
    let saved: tf.io.ModelArtifacts | undefined;
    await trainer.model.save(
      tf.io.withSaveHandler(
        async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }),
      ),
    );
    const model = await tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const { config } = trainer;
    const last = this.epochsDone.at(-1) as EpochRecord;
    this.addModel({
      id: `browser-${config.name}-${Date.now()}`,
      title: `${config.name}, trained here`,
      model,
      letters: [...new Set(trainer.data.train.labels)]
        .sort((a, b) => a - b)
        .map(classToLetter)
        .join(''),
      lettersSource: 'trained in this page',
      testAccuracy: last.testAccuracy,
    });
    this.status.textContent += ' The model joins the comparison.';
  }

  /** The loss and batch accuracy of every step, and the test accuracy of every epoch, as one SVG. */
  private draw(): void {
    const width = 640;
    const height = 200;
    const n = Math.max(2, this.steps.length);
    const maxLoss = Math.max(1, ...this.steps.map((s) => s.loss));
    const x = (i: number) => (i / (n - 1)) * width;
    const line = (values: number[], top: number) =>
      values.map((v, i) => `${x(i).toFixed(1)},${(height - (v / top) * height).toFixed(1)}`).join(' ');
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('role', 'img');
    svg.setAttribute(
      'aria-label',
      `Loss (up to ${maxLoss.toFixed(2)}) and batch accuracy of ${this.steps.length} steps, test accuracy of ${this.epochsDone.length} epochs`,
    );
    const poly = (points: string, cls: string) => {
      const p = document.createElementNS(ns, 'polyline');
      p.setAttribute('points', points);
      p.setAttribute('class', cls);
      svg.append(p);
    };
    poly(
      line(
        this.steps.map((s) => s.loss),
        maxLoss,
      ),
      'loss',
    );
    poly(
      line(
        this.steps.map((s) => s.accuracy),
        1,
      ),
      'accuracy',
    );
    const stepsPerEpoch = this.steps.length / Math.max(1, this.epochsDone.length);
    for (const [e, record] of this.epochsDone.entries()) {
      const dot = document.createElementNS(ns, 'circle');
      dot.setAttribute('cx', String(x(Math.min(n - 1, (e + 1) * stepsPerEpoch - 1))));
      dot.setAttribute('cy', String(height - record.testAccuracy * height));
      dot.setAttribute('r', '5');
      dot.setAttribute('class', 'test-accuracy');
      svg.append(dot);
    }
    this.chart.replaceChildren(
      svg,
      h(
        'p',
        { class: 'legend' },
        h('span', { class: 'key loss' }, 'loss'),
        h('span', { class: 'key accuracy' }, 'batch accuracy'),
        h('span', { class: 'key test-accuracy' }, 'test accuracy (each epoch)'),
      ),
    );
  }
}
