// Every export of every package's public door (src/index.ts) has a TSDoc comment: functions, classes, constants,
// interfaces and types alike, as an editor shows them to a user on hover.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
// The packages with a public door; an app (the playground) has none.
const packages = readdirSync(join(root, 'packages')).filter((pkg) => existsSync(join(root, 'packages', pkg, 'src', 'index.ts')));

describe('the public API', () => {
  it('is documented: each export of each src/index.ts has a TSDoc comment', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.base.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    const entries = packages.map((pkg) => join(root, 'packages', pkg, 'src', 'index.ts'));
    const program = ts.createProgram(entries, { ...config?.options, noEmit: true, customConditions: ['@mixent/source'] });
    const checker = program.getTypeChecker();
    const undocumented = entries.flatMap((entry, i) => {
      const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
      return checker
        .getExportsOfModule(module)
        .filter((symbol) => {
          const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
          return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === '';
        })
        .map((symbol) => `@mixent/${packages[i]}: ${symbol.name}`);
    });
    expect(entries.length).toBe(8);
    expect(undocumented).toEqual([]);
  }, 60_000);
});
