// The packages' layers point one way: what each package depends on, as nx sees it, and what @mixent/data exports.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** The project graph nx computes (package.json dependencies and imports), as project → projects it depends on. */
function projectDependencies(): Record<string, string[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'mixent-graph-'));
  const file = join(scratch, 'graph.json');
  // Its own workspace data: without a daemon, nx processes that build the graph at once share a lock and cache files
  // there, and the one left waiting fails when the other's cache lacks a part.
  const graph = spawnSync(process.execPath, [join(root, 'node_modules', 'nx', 'bin', 'nx.js'), 'graph', `--file=${file}`], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_WORKSPACE_DATA_DIRECTORY: join(scratch, 'nx') },
  });
  expect(graph.status, graph.stderr).toBe(0);
  const { dependencies } = (JSON.parse(readFileSync(file, 'utf8')) as { graph: { dependencies: Record<string, { target: string }[]> } })
    .graph;
  return Object.fromEntries(Object.entries(dependencies).map(([project, deps]) => [project, deps.map((d) => d.target).sort()]));
}

/** Every function-like node of a source file, with its name and length in lines. */
function functionLengths(file: string): { name: string; lines: number }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const line = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
      const name = node.name?.getText(source) ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(source) : 'anonymous');
      found.push({ name, lines: line(node.getEnd()) - line(node.getStart(source)) + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the layers of the packages', () => {
  it('point one way: training does not depend on reporting, and nothing but data-shaped code comes from @mixent/data', () => {
    const dependencies = projectDependencies();
    expect(dependencies['training']).not.toContain('reporting');
    expect(dependencies['training']).toContain('node-io');
    expect(dependencies['data']).toEqual(['node-io']);
    expect(dependencies['node-io']).toEqual([]);
    // The Node utilities are node-io's, and only node-io's.
    const dataIndex = readFileSync(join(root, 'packages', 'data', 'src', 'index.ts'), 'utf8');
    for (const name of ['CliIo', 'processIo', 'pathExists', 'writeFileDurably', 'isSystemError', 'createProgress']) {
      expect(dataIndex, name).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
  }, 60_000);

  it("keep train() and every function of the training loop's modules under 60 lines", () => {
    const modules = [
      'train',
      'epoch',
      'trainer',
      'trainer-checkpoint',
      'run-state',
      'run-data',
      'load-run-data',
      'metrics-log',
      'tfjs-internals',
      'checkpoint',
      'evaluate',
    ];
    const lengths = modules.flatMap((module) =>
      functionLengths(join(root, 'packages', 'training', 'src', `${module}.ts`)).map((f) => ({ ...f, module })),
    );
    expect(lengths.map((f) => f.name)).toContain('train');
    expect(lengths.filter((f) => f.lines > 60)).toEqual([]);
  });
});
