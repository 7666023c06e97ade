import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { createServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IMAGE_PIXELS, IMAGE_SIZE, type LetterSet, classToLetter, imageAt, loadSample, normalizePixels } from '@mixent/data';
import { loadModel } from '@mixent/models';
import { initWasmBackend } from '@mixent/training';
import { describeWithChromium, launchChromium } from './chromium.js';
import { serveFolder } from './static-server.js';

/*
 * The built app (dist/) in a real Chromium, checked against what Node computes with the same model files:
 * @mixent/models' loadModel and the wasm backend of @mixent/training, independent of the app's code.
 */

const project = join(import.meta.dirname, '..');
/** The target's output folder (nx caches it): a screenshot of each view. */
const OUTPUT = join(project, 'test-output', 'e2e');
const SHIPPED = JSON.parse(readFileSync(join(project, 'public', 'models', 'index.json'), 'utf8')) as string[];
/** The pen's screen pixels per image pixel: the drawing surface is 280 pixels wide, 10 per pixel of a 28×28 image. */
const SCALE = 10;

/** Softmax in float64, written here rather than taken from the app, and the entropy in nats. */
function softmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const exps = Array.from(logits, (z) => Math.exp(z - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}
const entropyOf = (p: number[]) => -p.reduce((sum, q) => sum + (q > 0 ? q * Math.log(q) : 0), 0);

/** Each model's logits on images (uint8, upright), in batches. */
function logitsOf(model: tfl.LayersModel, pixels: Uint8Array, count: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let start = 0; start < count; start += 500) {
    const size = Math.min(500, count - start);
    const batch = normalizePixels(pixels.subarray(start * IMAGE_PIXELS, (start + size) * IMAGE_PIXELS));
    const logits = tf.tidy(() => (model.predict(tf.tensor4d(batch, [size, IMAGE_SIZE, IMAGE_SIZE, 1])) as tf.Tensor2D).arraySync());
    out.push(...logits.map((row) => Float32Array.from(row)));
  }
  return out;
}

const argmax = (values: ArrayLike<number>) => Array.from(values).reduce((best, v, i, all) => (v > (all[best] as number) ? i : best), 0);

describeWithChromium('the playground in Chromium', () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;
  let models: tfl.LayersModel[];
  let test: LetterSet;
  /** Each shipped model's prediction on every test image, in Node. */
  let predictions: number[][];
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    await initWasmBackend({ threads: 1 });
    test = await loadSample('test');
    models = await Promise.all(SHIPPED.map((name) => loadModel(join(project, 'public', 'models', name, 'model'))));
    predictions = models.map((model) => logitsOf(model, test.images, test.count).map(argmax));
    // Under a sub-path: the build's relative paths must work from any folder of a host.
    ({ url, server } = await serveFolder(join(project, 'dist'), '/sites/mixent/playground/'));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    await page.goto(`${url}?backend=wasm`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    models?.forEach((model) => model.dispose());
  });

  /** axe-core's accessibility audit of the page as it is shown: no violation. */
  async function expectAccessible(): Promise<void> {
    if (!(await page.evaluate(() => 'axe' in window))) {
      await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
    }
    const violations = await page.evaluate(async () => {
      const { violations } = await (
        window as unknown as {
          axe: { run: (context: Document) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
        }
      ).axe.run(document);
      return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    expect(violations).toEqual([]);
  }

  /** The 28×28 input the app shows, read back from its canvas. */
  const shownInput = () =>
    page.evaluate(() => {
      const canvas = document.getElementById('input-preview') as HTMLCanvasElement;
      const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, 28, 28).data;
      return Array.from({ length: 28 * 28 }, (_, i) => data[4 * i] as number);
    });

  const settled = () => page.waitForSelector('#model-cards[data-busy="false"]');

  it('reads a letter of the test set drawn with the pointer: at least two of the three models name it', async () => {
    // The first test image that every shipped model gets right with probability over 0.95.
    const index = Array.from({ length: test.count }, (_, i) => i).find((i) =>
      models.every((model) => {
        const p = softmax(logitsOf(model, imageAt(test, i), 1)[0] as Float32Array);
        return argmax(p) === test.labels[i] && (p[test.labels[i] as number] as number) > 0.95;
      }),
    ) as number;
    const letter = classToLetter(test.labels[index] as number);
    const pixels = imageAt(test, index);
    const box = (await page.locator('canvas.pad').boundingBox()) as { x: number; y: number };
    // One stroke along each row's runs of ink, as a pen would fill the letter in.
    for (let row = 0; row < 28; row++) {
      for (let col = 0; col < 28; col++) {
        if ((pixels[row * 28 + col] as number) < 128 || (col > 0 && (pixels[row * 28 + col - 1] as number) >= 128)) continue;
        let end = col;
        while (end + 1 < 28 && (pixels[row * 28 + end + 1] as number) >= 128) end++;
        const y = box.y + (row + 0.5) * SCALE;
        await page.mouse.move(box.x + (col + 0.5) * SCALE, y);
        await page.mouse.down();
        await page.mouse.move(box.x + (end + 0.5) * SCALE, y, { steps: 3 });
        await page.mouse.up();
      }
    }
    await settled();
    const top = await page.locator('.card .top5 li:first-child').evaluateAll((items) => items.map((li) => li.getAttribute('data-letter')));
    expect(
      top.slice(0, SHIPPED.length).filter((l) => l === letter).length,
      `drew ${letter} (test image ${index}); top letters ${top}`,
    ).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(OUTPUT, 'compare.png'), fullPage: true });
    await expectAccessible();
  });

  it("shows each model's entropy and top-5 probabilities as Node computes them for the same 28×28 input", async () => {
    const input = Uint8Array.from(await shownInput());
    expect(input.some((v) => v > 0)).toBe(true);
    for (const [m, name] of SHIPPED.entries()) {
      const p = softmax(logitsOf(models[m] as tfl.LayersModel, input, 1)[0] as Float32Array);
      const card = page.locator(`.card[data-model="${name}"]`);
      expect(Number(await card.locator('[data-testid="entropy"]').textContent())).toBeCloseTo(entropyOf(p), 4);
      const shown = await card
        .locator('.top5 li')
        .evaluateAll((items) =>
          items.map((li) => ({ letter: li.getAttribute('data-letter'), p: Number(li.querySelector('.probability')?.textContent) })),
        );
      const expected = p
        .map((q, i) => ({ i, q }))
        .sort((a, b) => b.q - a.q)
        .slice(0, 5);
      expect(shown.map((s) => s.letter)).toEqual(expected.map(({ i }) => (i < 26 ? classToLetter(i) : `#${i}`)));
      shown.forEach((s, k) => expect(Math.abs(s.p - (expected[k]?.q as number))).toBeLessThan(1e-4));
    }
  });

  it('undoes and clears from the keyboard', async () => {
    const before = await shownInput();
    await page.focus('#undo');
    await page.keyboard.press('Enter');
    await settled();
    expect(await shownInput()).not.toEqual(before);
    await page.focus('#clear');
    await page.keyboard.press('Space');
    await settled();
    expect((await shownInput()).every((v) => v === 0)).toBe(true);
    expect(await page.locator('.card [data-testid="entropy"]').first().textContent()).toBe('–');
  });

  it('counts the test images where the models disagree as Node does, and opens a cell of the confusion matrix', async () => {
    await page.click('#tab-test');
    await page.waitForSelector('#view-test[data-ready="true"]', { timeout: 180_000 });
    await page.selectOption('#filter', JSON.stringify({ kind: 'disagree' }));
    const disagree = predictions[0]!.filter((_, i) => predictions.some((p) => p[i] !== predictions[0]![i])).length;
    expect(disagree).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="filter-count"]').getAttribute('data-count')).toBe(String(disagree));
    // The largest off-diagonal cell of the first model's matrix.
    const cells = new Map<string, number>();
    test.labels.forEach((label, i) => {
      const predicted = predictions[0]![i] as number;
      if (predicted !== label) cells.set(`${label},${predicted}`, (cells.get(`${label},${predicted}`) ?? 0) + 1);
    });
    const [cell, n] = [...cells.entries()].sort((a, b) => b[1] - a[1])[0] as [string, number];
    const [label, predicted] = cell.split(',').map(Number) as [number, number];
    await page.selectOption('#matrix-model', '0');
    await page.click(
      `button[aria-label="${n} images of ${classToLetter(label)} read as ${predicted < 26 ? classToLetter(predicted) : `#${predicted}`}"]`,
    );
    expect(await page.locator('[data-testid="filter-count"]').getAttribute('data-count')).toBe(String(n));
    expect(await page.locator('.grid li').count()).toBe(Math.min(n, 96));
    await page.screenshot({ path: join(OUTPUT, 'test-set.png'), fullPage: true });
    await expectAccessible();
  });

  it('trains a few steps on wasm: the loss goes down and images/s is shown', async () => {
    await page.click('#tab-train');
    expect(await page.locator('#backend-status').textContent()).toMatch(/Backend: wasm/);
    await page.selectOption('#train-config', 'vgg5-ce');
    for (const [field, value] of [
      ['#train-images', '500'],
      ['#test-images', '200'],
      ['#train-epochs', '1'],
      ['#batch-size', '50'],
    ] as const) {
      await page.fill(field, value);
    }
    await page.click('#train-start');
    await page.waitForSelector('#train-status[data-done="true"]', { timeout: 240_000 });
    // The log lists the newest step first.
    const losses = (
      await page.locator('#step-log li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-loss'))))
    ).reverse();
    expect(losses.length).toBe(10);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
    const speed = (await page.locator('[data-testid="images-per-second"]').textContent()) as string;
    expect(speed).toMatch(/^\d+\.\d images\/s$/);
    expect(Number.parseFloat(speed)).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUTPUT, 'train.png'), fullPage: true });
    await expectAccessible();
  });

  it('adds a run folder to the comparison from a URL and from the files of a folder', async () => {
    await page.click('#tab-draw');
    const cards = page.locator('.card');
    const before = await cards.count();
    await page.fill('#model-url', `${url}models/${SHIPPED[1]}/`);
    await page.click('.load-form button[type="submit"]');
    await expect.poll(() => cards.count()).toBe(before + 1);
    await page.setInputFiles('#model-files', join(project, 'public', 'models', SHIPPED[2] as string));
    await expect.poll(() => cards.count()).toBe(before + 2);
    const added = await cards.evaluateAll((all) => all.slice(-2).map((card) => card.querySelector('.knows')?.textContent));
    // Both read the run's config.json: trained on the sample, so a–s.
    expect(added).toEqual([expect.stringMatching(/^Knows a–s \(trained on the embedded sample\)/), expect.stringMatching(/^Knows a–s/)]);
    expect(await page.locator('#load-status').textContent()).toBe('Added.');
  });

  it('serves the three views from the TypeScript sources (nx run playground:serve)', async () => {
    const dev = await createServer({
      root: project,
      configFile: join(project, 'vite.config.ts'),
      server: { host: '127.0.0.1', port: 0 },
      logLevel: 'error',
    });
    await dev.listen();
    const devPage = await browser.newPage();
    devPage.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') problems.push(`serve, console.error: ${message.text()}`);
    });
    devPage.on('pageerror', (error) => problems.push(`serve, uncaught: ${error.message}`));
    try {
      // An exception fails at once rather than after the timeout.
      const thrown = devPage.waitForEvent('pageerror', { timeout: 0 });
      thrown.catch(() => {}); // rejected when the page closes
      await devPage.goto(`${dev.resolvedUrls?.local[0]}?backend=wasm`);
      const ready = devPage.waitForSelector('body[data-ready="true"]', { timeout: 180_000 }).then(() => undefined);
      const error = await Promise.race([ready, thrown]);
      if (error) throw error;
      expect(await devPage.locator('.card').count()).toBe(SHIPPED.length);
      for (const [tab, heading] of [
        ['#tab-test', 'The test set'],
        ['#tab-train', 'Train in the browser'],
        ['#tab-draw', 'Draw a letter'],
      ] as const) {
        await devPage.click(tab);
        await expect.poll(() => devPage.locator('[role="tabpanel"]:not([hidden]) h2').textContent()).toBe(heading);
      }
    } finally {
      await devPage.close();
      await dev.close();
    }
  });

  it('logged no console error and threw no uncaught exception', () => {
    expect(problems).toEqual([]);
  });
});
