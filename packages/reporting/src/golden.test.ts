import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE_RUNS, FIXTURE_TABLE } from './__fixtures__/runs.js';
import { toCsv, toJson, toLatex, toMarkdown } from './formats.js';
import { buildPaperTable, type PaperTable } from './table.js';

/**
 * Golden files: the four formats of the fixture table, compared byte for byte. They were written once
 * with MIXENT_UPDATE_GOLDEN=1 and checked by hand; rewrite them only after reading the diff.
 *
 * One row by hand, VGG-5 MIN-ENT against VGG-5 cross entropy (see the table in __fixtures__/runs.ts):
 * - seed 1: MIN-ENT is wrong only at 20, the baseline at 0–7, so b = 8 (0–7), c = 1 (20), net +7;
 *   p = 2 · P[Bin(9, ½) ≤ 1] = 2 · (1 + 9)/512 = 0.0390625 < 0.05: significant.
 * - seed 2: wrong at 0 and 20 against 0–6: b = 6 (1–6), c = 1 (20), net +5;
 *   p = 2 · (1 + 7)/128 = 0.125: not significant. Verdict: 1 of 2 seeds, mean +6 images = +15 points of 40.
 * - best-on-test accuracies 39/40 = 97.5% and 38/40 = 95%: mean 96.25, std 2.5/√2 = 1.77 points,
 *   95% CI 96.25 ± t_{0.975,1} · 1.25 = 96.25 ± 12.706 · 1.25 = [80.37, 112.13] (t with 1 df is wide).
 */
const fixtureFile = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const update = process.env['MIXENT_UPDATE_GOLDEN'] === '1';

function table(): PaperTable {
  return buildPaperTable(FIXTURE_RUNS, FIXTURE_TABLE);
}

describe('golden paper tables', () => {
  const cases: [string, (t: PaperTable) => string][] = [
    ['paper-table.md', toMarkdown],
    ['paper-table.csv', toCsv],
    ['paper-table.tex', toLatex],
    ['paper-table.json', toJson],
  ];
  for (const [name, format] of cases) {
    it(`${name} matches the golden file`, () => {
      const actual = format(table());
      if (update) writeFileSync(fixtureFile(name), actual);
      expect(actual).toBe(readFileSync(fixtureFile(name), 'utf8'));
    });
  }

  it('has the hand-computed numbers of the VGG-5 MIN-ENT row', () => {
    const row = table().rows.find((r) => r.row === 'vgg5-minent');
    expect(row?.seeds.map((s) => s.vsBaseline)).toEqual([
      { b: 8, c: 1, both: 31, neither: 0, netImages: 7, pValue: 0.0390625, significant: true },
      { b: 6, c: 1, both: 32, neither: 1, netImages: 5, pValue: 0.125, significant: false },
    ]);
    expect(row?.bestTestAccuracy.mean).toBeCloseTo(0.9625, 12);
    expect(row?.bestTestAccuracy.std).toBeCloseTo(0.025 / Math.SQRT2, 12);
    expect(row?.bestTestAccuracy.ci?.halfWidth).toBeCloseTo(12.706204736 * 0.0125, 8);
    expect(row?.verdict).toMatchObject({
      comparedSeeds: 2,
      significantSeeds: 1,
      meanNetImages: 6,
      meanDifferencePoints: 15,
      conclusion: 'mixed',
    });
  });

  it('JSON round-trips to the same table', () => {
    const t = table();
    expect(JSON.parse(toJson(t))).toEqual(t);
  });
});
