// The root README quotes the sample paper table that a fresh clone printed. The files that run wrote are kept in
// packages/experiments/snapshots/; this keeps the quoted copy equal to them, and them to what the reporting package
// renders from their own JSON, so the README cannot drift from the numbers it shows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PaperTable, toMarkdown } from '@mixent/reporting';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('the sample table quoted in the root README', () => {
  const quote = /<!-- paper-table: (\S+) -->\n([\s\S]*?)\n<!-- \/paper-table -->/.exec(readme);

  it('is the snapshot file it names, verbatim', () => {
    expect(quote, 'README.md has no <!-- paper-table: FILE --> … <!-- /paper-table --> block').not.toBeNull();
    const [, file, quoted] = quote!;
    expect(quoted!.trim()).toBe(readFileSync(join(root, file!), 'utf8').trim());
  });

  it('is what the reporting package renders from the snapshot JSON', () => {
    const dir = join(root, quote![1]!, '..');
    const table = JSON.parse(readFileSync(join(dir, 'paper-table.json'), 'utf8')) as PaperTable;
    expect(toMarkdown(table)).toBe(readFileSync(join(dir, 'paper-table.md'), 'utf8'));
  });

  it('shows a figure that is in the snapshot', () => {
    const figures = [...readme.matchAll(/!\[[^\]]*\]\((packages\/experiments\/snapshots\/[^)]+\.svg)\)/g)].map((m) => m[1]!);
    expect(figures.length).toBeGreaterThan(0);
    for (const figure of figures) expect(readFileSync(join(root, figure), 'utf8')).toMatch(/^<svg /);
  });
});
