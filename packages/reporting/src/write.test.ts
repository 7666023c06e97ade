import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_CONFIGURATION, FIXTURE_RUNS, FIXTURE_TABLE } from './__fixtures__/runs.js';
import { toCsv, toJson, toLatex, toMarkdown } from './formats.js';
import { checkSvg } from './__fixtures__/svg-check.js';
import { buildPaperTable } from './table.js';
import { writeReport } from './write.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('writeReport', () => {
  it('writes the four table formats and both figures, without leftover temporary files', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'mixent-reporting-')), 'report');
    dirs.push(dir);
    const table = buildPaperTable(FIXTURE_RUNS, FIXTURE_TABLE);
    const files = await writeReport(dir, table, FIXTURE_RUNS, { classNames: ['a', 'b', 'c', 'd'] });
    expect((await readdir(dir)).sort()).toEqual([
      'accuracy-curves.svg',
      'confusion-matrix.svg',
      'paper-table.csv',
      'paper-table.json',
      'paper-table.md',
      'paper-table.tex',
    ]);
    expect(await readFile(files.markdown, 'utf8')).toBe(toMarkdown(table));
    expect(await readFile(files.csv, 'utf8')).toBe(toCsv(table));
    expect(await readFile(files.latex, 'utf8')).toBe(toLatex(table));
    expect(await readFile(files.json, 'utf8')).toBe(toJson(table));
    const confusion = checkSvg(await readFile(files.confusionMatrix, 'utf8'));
    // The best row is VGG-5 MIN-ENT, wrong at 20 (seed 1) and at 0, 20 (seed 2), all of class a (i mod 4 = 0):
    // summed over both seeds, a → a is 9 + 8 = 17, a → b is 3, and the other diagonal cells are 20.
    expect(confusion).toContain('Confusion matrix: VGG-5, MIN-ENT (best mean test accuracy)');
    expect(confusion.slice(0, 5)).toEqual(['17', '3', '20', '20', '20']);
    expect(checkSvg(await readFile(files.accuracyCurves, 'utf8'))).toContain(FIXTURE_CONFIGURATION);
  });

  it('names the table files as asked, and refuses a name that is a path', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'mixent-reporting-')), 'report');
    dirs.push(dir);
    const table = buildPaperTable(FIXTURE_RUNS, FIXTURE_TABLE);
    const files = await writeReport(dir, table, FIXTURE_RUNS, { name: 'loss-table' });
    expect(files.markdown).toBe(join(dir, 'loss-table.md'));
    expect((await readdir(dir)).sort()).toEqual([
      'accuracy-curves.svg',
      'confusion-matrix.svg',
      'loss-table.csv',
      'loss-table.json',
      'loss-table.md',
      'loss-table.tex',
    ]);
    await expect(writeReport(dir, table, FIXTURE_RUNS, { name: '../escape' })).rejects.toThrow(
      "writeReport: the table's name must be a plain file name, got '../escape'",
    );
  });
});
