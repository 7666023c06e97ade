import { describe, expect, it } from 'vitest';
import { makeRun } from './__fixtures__/make-run.js';
import { FIXTURE_PUBLISHED, FIXTURE_RUNS } from './__fixtures__/runs.js';
import { accuracyCurvePoints, accuracyCurvesSvg, confusionMatrixSvg } from './plots.js';
import { checkSvg } from './__fixtures__/svg-check.js';

describe('accuracyCurvePoints', () => {
  it('averages train and test accuracy over seeds per row and epoch, in percent', () => {
    const points = accuracyCurvePoints(
      FIXTURE_RUNS,
      FIXTURE_PUBLISHED.map((p) => p.row),
    );
    expect(points).toHaveLength(4 * 2 * 3);
    // vgg5-ce epoch 2 test: seeds 0.775 and 0.825 → 80; train: 0.7 and 0.75 → 72.5
    const at = (split: string) => points.find((p) => p.row === 'vgg5-ce' && p.epoch === 2 && p.split === split);
    expect(at('test')).toMatchObject({ label: 'VGG-5, cross entropy', seeds: 2 });
    expect(at('test')?.accuracy).toBeCloseTo(80, 10);
    expect(at('train')?.accuracy).toBeCloseTo(72.5, 10);
    expect([...new Set(points.map((p) => p.row))]).toEqual(['vgg5-ce', 'spinalvgg-ce', 'vgg5-minent', 'vgg5-mixent']);
    // Without an order, the runs' own.
    expect([...new Set(accuracyCurvePoints(FIXTURE_RUNS).map((p) => p.row))]).toEqual([
      'vgg5-mixent',
      'vgg5-ce',
      'spinalvgg-ce',
      'vgg5-minent',
    ]);
  });

  it('averages over the seeds that reached an epoch', () => {
    const short = makeRun('vgg5-ce', 2, [], { bestEpoch: 1, epochs: [{ epoch: 1, trainAccuracy: 0.5, testAccuracy: 1 }] });
    const runs = [makeRun('vgg5-ce', 1, []), short];
    expect(
      accuracyCurvePoints(runs)
        .filter((p) => p.split === 'test')
        .map((p) => [p.epoch, p.seeds]),
    ).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });
});

describe('accuracyCurvesSvg', () => {
  it('is a well-formed SVG with axis titles and every row, and deterministic', async () => {
    const svg = await accuracyCurvesSvg(FIXTURE_RUNS, { subtitle: 'golden fixture configuration' });
    const texts = checkSvg(svg);
    for (const text of [
      'epoch',
      'accuracy (%)',
      'VGG-5, cross entropy',
      'Spinal-VGG, cross entropy',
      'VGG-5, MIN-ENT',
      'VGG-5, MIX-ENT',
      'train',
      'test',
      'golden fixture configuration',
    ]) {
      expect(texts).toContain(text);
    }
    expect(svg).toContain('stroke-dasharray="6,3"');
    expect(await accuracyCurvesSvg(FIXTURE_RUNS, { subtitle: 'golden fixture configuration' })).toBe(svg);
  });
});

describe('confusionMatrixSvg', () => {
  it('draws the counts with class names, deterministically', async () => {
    const matrix = [
      [12, 3, 0],
      [0, 7, 1],
      [5, 0, 9],
    ];
    const svg = await confusionMatrixSvg(matrix, { classNames: ['a', 'b', 'c'], title: 'Confusion matrix: test' });
    const texts = checkSvg(svg);
    for (const text of ['predicted class', 'true class', 'Confusion matrix: test', 'a', 'b', 'c']) expect(texts).toContain(text);
    // Non-zero counts are written in the cells (the legend adds its own 0 and 12).
    for (const count of ['3', '7', '1', '5', '9']) expect(texts).toContain(count);
    expect(svg.match(/<path[^>]*class="[^"]*"|role-mark[^"]*rect/g)?.length ?? 0).toBeGreaterThan(0);
    // Vega's gradient ids count up over the process; renumbering keeps renders identical.
    expect(await confusionMatrixSvg(matrix, { classNames: ['a', 'b', 'c'], title: 'Confusion matrix: test' })).toBe(svg);
  });

  it('takes a run and checks names', async () => {
    const run = FIXTURE_RUNS[0];
    if (!run) throw new Error('no fixture');
    expect(checkSvg(await confusionMatrixSvg(run))).toContain('predicted class');
    await expect(confusionMatrixSvg([[1, 2], [3]])).rejects.toThrow(/square/);
    await expect(
      confusionMatrixSvg(
        [
          [1, 0],
          [0, 1],
        ],
        { classNames: ['a'] },
      ),
    ).rejects.toThrow(/1 class names for 2 classes/);
    // More names than classes: the first ones name the matrix.
    expect(await confusionMatrixSvg([[1]], { classNames: ['a', 'b'] })).toContain('>a<');
  });
});
