// The README examples of every package, kept true: each complete program (a ```ts block that starts with an
// import) must typecheck against the packages' sources, and each that runs quickly must run, printing what the
// comments of its printing lines say: `console.log(…); // 100 78400 g`, `x.print(); // 0.2760… = why` (the text
// before ' = ' and before '…' must appear in what it prints).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
/** tsx's command line, run by this Node: it resolves the same way from any working folder. */
const TSX = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Examples that are typechecked but not run, and why. */
const NOT_RUN: Record<string, string> = {
  'data/README.md#2': 'downloads the official 560 MB archive',
  'training/README.md#1': 'trains a model for minutes',
};

interface Example {
  id: string;
  code: string;
  /** What its printing lines say they print. */
  expected: string[];
}

function examples(): Example[] {
  return readdirSync(join(root, 'packages')).flatMap((pkg) => {
    let readme: string;
    try {
      readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
    } catch {
      return [];
    }
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    return blocks
      .map((code, i) => ({ id: `${pkg}/README.md#${i + 1}`, code }))
      .filter(({ code }) => code.trimStart().startsWith('import '))
      .map(({ id, code }) => ({
        id,
        code,
        expected: [...code.matchAll(/(?:console\.log\(.*\)|\.print\(\)); \/\/ (.+)$/gm)]
          .map((m) => ((m[1] as string).split(' = ')[0] as string).split('…')[0]!.trim())
          .filter((text) => text !== ''),
      }));
  });
}

// Inside the repository, so that imports of @mixent/* and tfjs resolve as they would for a user of the workspace.
const dir = join(root, 'tools', '.readme-examples');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const all = examples().map((example) => {
  const file = join(dir, `${example.id.replace(/\W+/g, '-')}.ts`);
  writeFileSync(file, example.code);
  return { ...example, file };
});

describe('README examples', () => {
  it('are found in every package that documents an API', () => {
    expect(new Set(all.map((e) => e.id.split('/')[0]))).toEqual(new Set(['data', 'losses', 'models', 'reporting', 'training']));
  });

  it('typecheck against the packages as a user imports them', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.base.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    const program = ts.createProgram(
      all.map((e) => e.file),
      { ...config?.options, noEmit: true, customConditions: ['@mixent/source'] },
    );
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${all.find((e) => e.file === d.file?.fileName)?.id ?? d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it.each(all.filter((e) => !(e.id in NOT_RUN)).map((e) => [e.id, e] as const))('%s runs and prints what it says', (_id, example) => {
    // In a scratch folder: examples write files (runs/, results/).
    const cwd = mkdtempSync(join(tmpdir(), 'mixent-readme-'));
    // Without colors, which nx asks for and console.log would put between the numbers.
    const { FORCE_COLOR: _color, ...env } = process.env;
    const run = spawnSync(process.execPath, [TSX, '--conditions=@mixent/source', example.file], { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
    expect(run.status, run.stderr).toBe(0);
    for (const text of example.expected) expect(run.stdout).toContain(text);
  }, 120_000);
});
