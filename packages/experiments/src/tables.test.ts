import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedConfigs, readTrainConfig } from './configs.js';
import {
  type ExperimentMatrix,
  TABLES_FILE,
  experimentMatrix,
  publishedAccuracies,
  readExperimentMatrix,
  runsFolder,
  tableFolder,
  tableSpec,
} from './tables.js';

/** tables.json with one change, written to a scratch file. */
function editedMatrix(edit: (matrix: ExperimentMatrix) => void): string {
  const matrix = JSON.parse(readFileSync(TABLES_FILE, 'utf8')) as ExperimentMatrix;
  edit(matrix);
  const file = join(mkdtempSync(join(tmpdir(), 'mixent-tables-')), 'tables.json');
  writeFileSync(file, JSON.stringify(matrix));
  return file;
}

describe('the experiment matrix', () => {
  it('holds the paper table with its published accuracies, and the loss table, against one baseline', () => {
    const matrix = experimentMatrix();
    expect(tableSpec('paper-table').rows).toEqual(['vgg5-ce', 'spinalvgg-ce', 'vgg5-minent', 'vgg5-mixent']);
    expect(publishedAccuracies(tableSpec('paper-table').rows).map((p) => [p.row, p.paperAccuracy])).toEqual([
      ['vgg5-ce', 95.86],
      ['spinalvgg-ce', 95.88],
      ['vgg5-minent', 95.933],
      ['vgg5-mixent', 95.927],
    ]);
    expect(tableSpec('loss-table').rows).toHaveLength(8);
    expect(Object.values(matrix.tables).map((t) => t.baseline)).toEqual(['vgg5-ce', 'vgg5-ce']);
    expect([runsFolder('full'), tableFolder('paper-table', 'full'), tableFolder('loss-table', 'sample')]).toEqual([
      'results/full/runs',
      'results/full',
      'results/sample/loss-table',
    ]);
    expect(() => tableSpec('no-table')).toThrow(`no table no-table in ${TABLES_FILE} (tables: paper-table, loss-table)`);
  });

  it('names models with their width and losses as the paper does', async () => {
    const { modelDisplayName, lossDisplayName } = await import('./tables.js');
    const sample = await readTrainConfig('vgg5-minent', 'sample');
    expect([modelDisplayName(sample), lossDisplayName(sample)]).toEqual(['VGG-5 ×0.125', 'MIN-ENT']);
    const learned = { ...sample, loss: { ...sample.loss, learnableWeights: { learningRate: 0.01, maxRatio: 100 } } };
    expect(lossDisplayName(learned)).toBe('MIN-ENT (learned weights)');
    const full = await readTrainConfig('spinalvgg-ce', 'full');
    expect([modelDisplayName(full), lossDisplayName(full)]).toEqual(['Spinal-VGG', 'cross entropy']);
  });

  it('refuses a matrix whose rows, baseline, published rows, profiles or folders do not hold together, naming the file', () => {
    const cases: [(m: ExperimentMatrix) => void, string | RegExp][] = [
      [(m) => m.tables['paper-table']!.rows.push('vgg5-typo'), 'tables.paper-table.rows: vgg5-typo is not a config of configs/'],
      [(m) => m.tables['loss-table']!.rows.push('vgg5-ce'), 'tables.loss-table.rows: a row is listed twice'],
      [(m) => (m.tables['paper-table']!.baseline = 'vgg5-poly1'), 'tables.paper-table.baseline: vgg5-poly1 is not one of its rows'],
      [(m) => (m.published['vgg5-typo'] = { accuracy: 90, source: 'x' }), 'published: vgg5-typo is not a config of configs/'],
      [(m) => (m.published['vgg5-ce']!.accuracy = 0.9586 * 1000), 'published.vgg5-ce.accuracy'],
      [(m) => (m.profiles = ['sample']), 'profiles: [sample], but training has the profiles'],
      [
        (m) => (m.tables['loss-table']!.out = m.tables['paper-table']!.out),
        'tables.loss-table.out: results/{profile} is also the folder of paper-table',
      ],
      [(m) => (m.tables['train'] = m.tables['paper-table']!), 'tables.train: a table name is lowercase and ends in -table'],
      [(m) => Object.assign(m, { seed: 3 }), /unrecognized key.*seed/i],
    ];
    for (const [edit, message] of cases) {
      const file = editedMatrix(edit);
      expect(() => readExperimentMatrix(file), String(message)).toThrow(`${file} is not a valid experiment matrix:`);
      expect(() => readExperimentMatrix(file), String(message)).toThrow(message);
    }
    const broken = join(mkdtempSync(join(tmpdir(), 'mixent-tables-')), 'tables.json');
    writeFileSync(broken, '{ "seeds": ');
    expect(() => readExperimentMatrix(broken)).toThrow(new RegExp(`^${broken}: cannot read the experiment matrix`));
  });
});

describe('the config table of the README', () => {
  it('lists every config, with its published accuracy and its tables as tables.json has them', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const lines = readme.split('\n').filter((line) => /^\| `[\w-]+` \|/.test(line));
    const rows = lines.map((line) => line.split('|').map((cell) => cell.trim()));
    const matrix = experimentMatrix();
    expect(rows.map((cells) => cells[1]!.replaceAll('`', '')).sort()).toEqual(namedConfigs());
    for (const cells of rows) {
      const row = cells[1]!.replaceAll('`', '');
      expect(cells[4], row).toBe(String(matrix.published[row]?.accuracy ?? '–'));
      const tables = Object.entries(matrix.tables)
        .filter(([, t]) => t.rows.includes(row))
        .map(([name]) => name.replace('-', ' '));
      const saysIn = cells[5]!;
      expect(saysIn.startsWith('both') ? ['paper table', 'loss table'] : [saysIn], row).toEqual(tables);
    }
  });
});
