// The root README quotes the sample paper table that a fresh clone printed, and links the loss table. The files those
// runs wrote are kept in packages/experiments/snapshots/; this keeps the quote equal to them, and each table there equal
// to what the reporting package renders from its own JSON, so the README cannot drift from the numbers it shows.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type PaperTable, toMarkdown } from '@mixent/reporting';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('the sample tables the root README quotes and links', () => {
  const quote = /<!-- paper-table: (\S+) -->\n([\s\S]*?)\n<!-- \/paper-table -->/.exec(readme);

  it('are quoted verbatim from the snapshot file the quote names', () => {
    expect(quote, 'README.md has no <!-- paper-table: FILE --> … <!-- /paper-table --> block').not.toBeNull();
    const [, file, quoted] = quote!;
    expect(quoted!.trim()).toBe(readFileSync(join(root, file!), 'utf8').trim());
  });

  it('are, every one of them, what the reporting package renders from their JSON', () => {
    const snapshots = join(root, 'packages', 'experiments', 'snapshots');
    const tables = readdirSync(snapshots, { recursive: true, encoding: 'utf8' }).filter((file) => /-table\.json$/.test(file));
    expect(tables).toContain(join('sample', 'paper-table.json'));
    expect(tables).toContain(join('sample', 'loss-table', 'loss-table.json'));
    for (const file of tables) {
      const table = JSON.parse(readFileSync(join(snapshots, file), 'utf8')) as PaperTable;
      expect(toMarkdown(table), file).toBe(readFileSync(join(snapshots, file.replace(/\.json$/, '.md')), 'utf8'));
    }
  });

  it('come with figures and links that are in the snapshots', () => {
    const figures = [...readme.matchAll(/!\[[^\]]*\]\((packages\/experiments\/snapshots\/[^)]+\.svg)\)/g)].map((m) => m[1]!);
    expect(figures.length).toBeGreaterThan(0);
    for (const figure of figures) expect(readFileSync(join(root, figure), 'utf8')).toMatch(/^<svg /);
    const links = [...readme.matchAll(/\]\((packages\/experiments\/snapshots\/[^)]+)\)/g)].map((m) => m[1]!);
    for (const link of links) expect(existsSync(join(root, link)), link).toBe(true);
  });
});
