import { describe, expect, it } from 'vitest';
import { makeRun } from './__fixtures__/make-run.js';
import { FIXTURE_CONFIGURATION, FIXTURE_PUBLISHED, FIXTURE_RUNS, FIXTURE_TABLE } from './__fixtures__/runs.js';
import { toCsv, toLatex, toMarkdown } from './formats.js';
import { bestRow, buildPaperTable, tableRow } from './table.js';

const configuration = 'unit test: 20 examples';

describe('buildPaperTable', () => {
  it('orders rows with a published accuracy first, then unknown rows, and seeds ascending', () => {
    const table = buildPaperTable(FIXTURE_RUNS, FIXTURE_TABLE);
    expect(table.rows.map((r) => r.row)).toEqual(['vgg5-ce', 'spinalvgg-ce', 'vgg5-minent', 'vgg5-mixent']);
    expect(table.rows.map((r) => r.paperAccuracy)).toEqual(FIXTURE_PUBLISHED.map((p) => p.paperAccuracy));
    expect(table.rows.every((r) => r.seeds.map((s) => s.seed).join() === '1,2')).toBe(true);
    expect(table.testSetSize).toBe(40);
    expect(table.title).toContain(FIXTURE_CONFIGURATION);

    const extra = buildPaperTable([makeRun('vgg5-focal', 1, [1]), makeRun('vgg5-ce', 1, [0])], {
      configuration,
      baselineRow: 'vgg5-ce',
      published: FIXTURE_PUBLISHED,
    });
    expect(extra.rows.map((r) => [r.row, r.paperAccuracy])).toEqual([
      ['vgg5-ce', 95.86],
      ['vgg5-focal', null],
    ]);
    // An explicit order wins; without published accuracies every paper column is empty.
    const ordered = buildPaperTable(FIXTURE_RUNS, { configuration, baselineRow: 'vgg5-ce', rowOrder: ['vgg5-mixent', 'vgg5-ce'] });
    expect(ordered.rows.map((r) => [r.row, r.paperAccuracy])).toEqual([
      ['vgg5-mixent', null],
      ['vgg5-ce', null],
      ['spinalvgg-ce', null],
      ['vgg5-minent', null],
    ]);
  });

  it('needs the baseline row and a configuration label', () => {
    expect(() =>
      buildPaperTable([makeRun('vgg5-minent', 1, [])], { configuration, baselineRow: 'vgg5-ce', published: FIXTURE_PUBLISHED }),
    ).toThrow(/the baseline row vgg5-ce has no runs \(rows present: vgg5-minent\)/);
    expect(() => buildPaperTable([makeRun('vgg5-ce', 1, [])], { configuration: ' ', baselineRow: 'vgg5-ce' })).toThrow(
      /needs a configuration label/,
    );
    expect(() =>
      buildPaperTable([makeRun('vgg5-ce', 1, [], { bestTestAccuracy: 2 })], {
        configuration,
        baselineRow: 'vgg5-ce',
        published: FIXTURE_PUBLISHED,
      }),
    ).toThrow(/bestTestAccuracy is 2/);
  });

  it('pairs by seed and leaves seeds without a baseline partner untested', () => {
    const runs = [makeRun('vgg5-ce', 1, [0, 1, 2, 3, 4]), makeRun('vgg5-minent', 1, []), makeRun('vgg5-minent', 7, [5])];
    const row = tableRow(buildPaperTable(runs, { configuration, baselineRow: 'vgg5-ce', published: FIXTURE_PUBLISHED }), 'vgg5-minent');
    expect(row.seeds[0]?.vsBaseline).toEqual({ b: 5, c: 0, both: 15, neither: 0, netImages: 5, pValue: 0.0625, significant: false });
    expect(row.seeds[1]?.vsBaseline).toBeNull();
    expect(row.verdict).toMatchObject({
      comparedSeeds: 1,
      unpairedSeeds: [7],
      meanNetImages: 5,
      meanDifferencePoints: 25,
      conclusion: 'not significant',
    });
  });

  it('takes another baseline row and alpha', () => {
    const runs = [makeRun('vgg5-ce', 1, [0, 1, 2, 3, 4]), makeRun('vgg5-minent', 1, [])];
    const table = buildPaperTable(runs, { configuration, baselineRow: 'vgg5-minent', published: FIXTURE_PUBLISHED, alpha: 0.1 });
    expect(table.baselineLabel).toBe('VGG-5, MINENT');
    expect(tableRow(table, 'vgg5-ce').verdict).toMatchObject({ significantWorse: 1, conclusion: 'significant' });
    expect(tableRow(table, 'vgg5-ce').seeds[0]?.vsBaseline).toMatchObject({ b: 0, c: 5, netImages: -5, pValue: 0.0625, significant: true });
    expect(() => tableRow(table, 'nope')).toThrow(/no row nope \(rows: vgg5-ce, vgg5-minent\)/);
  });

  it('leaves std and CI undefined for one seed and shows them as –', () => {
    const table = buildPaperTable([makeRun('vgg5-ce', 1, [0]), makeRun('vgg5-minent', 1, [])], {
      configuration,
      baselineRow: 'vgg5-ce',
      published: FIXTURE_PUBLISHED,
    });
    const row = tableRow(table, 'vgg5-minent');
    expect(row.bestTestAccuracy).toEqual({ n: 1, mean: 1, std: null, ci: null });
    expect(table.title).toContain('seed 1;');
    const markdown = toMarkdown(table);
    expect(markdown).toContain('| VGG-5 | MINENT | 95.933 | 100.00 | 100.00 | 100.00 ± – | – | 100.00 ± – | – | +1 | 1.000 | 0 of 1 |');
    expect(toCsv(table).split('\n')[2]).toBe(
      `${configuration},vgg5-minent,VGG-5,MINENT,95.933,1,100.00,100.00,100.00,,,,100.00,,,,1,0,1,1,0,1,1`,
    );
    expect(toLatex(table)).toContain('100.00 $\\pm$ -- & -- &');
  });

  it('prefixes per-seed cells with the seed when rows have different seeds', () => {
    const runs = [makeRun('vgg5-ce', 1, [0]), makeRun('vgg5-ce', 2, [0]), makeRun('vgg5-minent', 2, [])];
    const markdown = toMarkdown(buildPaperTable(runs, { configuration, baselineRow: 'vgg5-ce', published: FIXTURE_PUBLISHED }));
    expect(markdown).toContain('| Best on test (%), per seed |');
    expect(markdown).toContain('| 1: 95.00 / 2: 95.00 |');
    expect(markdown).toContain('| 2: +1 | 2: 1.000 |');
  });

  it('finds the best row by mean best-on-test accuracy', () => {
    expect(bestRow(buildPaperTable(FIXTURE_RUNS, { configuration, baselineRow: 'vgg5-ce', published: FIXTURE_PUBLISHED })).row).toBe(
      'vgg5-minent',
    );
  });

  it('escapes LaTeX and quotes CSV fields', () => {
    const runs = [makeRun('vgg5-ce', 1, [], { model: 'VGG_5 & "co" 100%' })];
    const table = buildPaperTable(runs, {
      configuration: 'width ×0.25, lr_decay 50%',
      baselineRow: 'vgg5-ce',
      published: FIXTURE_PUBLISHED,
    });
    expect(toLatex(table)).toContain('VGG\\_5 \\& "co" 100\\% & cross entropy');
    expect(toLatex(table)).toContain('width $\\times$0.25, lr\\_decay 50\\%');
    expect(toCsv(table).split('\n')[1]).toMatch(/^"width ×0.25, lr_decay 50%",vgg5-ce,"VGG_5 & ""co"" 100%",/);
    expect(toMarkdown({ ...table, rows: table.rows.map((r) => ({ ...r, loss: 'a|b' })) })).toContain('a\\|b');
  });

  it('keeps every line break out of table rows and the LaTeX comment line', () => {
    const runs = [makeRun('vgg5-ce', 1, [], { loss: 'CE\nsecond line' })];
    const table = buildPaperTable(runs, {
      configuration: 'sample A\r\\input{evil}\u2028end',
      baselineRow: 'vgg5-ce',
      published: FIXTURE_PUBLISHED,
    });
    const markdown = toMarkdown(table, { summary: false });
    expect(markdown).toContain('| VGG-5 | CE second line | 95.86 |');
    const latex = toLatex(table);
    expect(latex).toContain('% Configuration: sample A \\input{evil} end\n');
    expect(latex).not.toMatch(/[\r\u2028]/);
    expect(latex).toContain('CE second line');
  });
});
