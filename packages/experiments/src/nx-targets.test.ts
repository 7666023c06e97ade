import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DIR, namedConfigs } from './configs.js';
import { TABLES_FILE, experimentMatrix, readExperimentMatrix, runsFolder, tableFolder } from './tables.js';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..');

interface Target {
  options?: { command?: string; runs?: string; out?: string; seeds?: number };
  inputs?: unknown[];
  outputs?: string[];
  configurations?: Record<string, { profile?: string; runs?: string; out?: string; scheduler?: string; env?: object }>;
  dependsOn?: { target: string; params?: string }[];
}

/** What nx itself makes of the experiments project (project.json and the plugin of nx.json) in a workspace. */
function experimentsTargets(root: string): Record<string, Target> {
  const show = spawnSync(
    process.execPath,
    [join(workspaceRoot, 'node_modules', 'nx', 'bin', 'nx.js'), 'show', 'project', 'experiments', '--json'],
    {
      cwd: root,
      encoding: 'utf8',
      // Its own workspace data, so that no other nx process building the graph at the same time shares its lock and cache.
      env: {
        ...process.env,
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        NX_WORKSPACE_DATA_DIRECTORY: mkdtempSync(join(tmpdir(), 'mixent-nx-data-')),
      },
    },
  );
  expect(show.status, show.stderr).toBe(0);
  return (JSON.parse(show.stdout) as { targets: Record<string, Target> }).targets;
}

describe('the nx targets of the experiments project', () => {
  it('train every named config as its own cached target, and each table of tables.json trains its rows', () => {
    const targets = experimentsTargets(workspaceRoot);
    const matrix = experimentMatrix();
    expect(
      Object.keys(targets)
        .filter((name) => name.startsWith('train-'))
        .sort(),
    ).toEqual(namedConfigs().map((name) => `train-${name}`));
    for (const name of namedConfigs()) {
      const target = targets[`train-${name}`]!;
      expect(target.options).toMatchObject({
        command: `node bin/mixent.js train-row --row ${name}`,
        runs: runsFolder('sample'),
        seeds: matrix.seeds,
      });
      expect(target.configurations?.full?.runs).toBe(runsFolder('full'));
      // On Slurm, the same runs, submitted as a job array and waited for; the tasks choose their own threads.
      expect(target.configurations?.['full-slurm']).toEqual({ profile: 'full', runs: runsFolder('full'), scheduler: 'slurm', env: {} });
      expect(target.configurations?.['sample-slurm']).toMatchObject({ runs: runsFolder('sample'), scheduler: 'slurm' });
      expect(target.inputs).toContain(`{projectRoot}/configs/${name}.json`);
      expect(target.outputs).toEqual([`{projectRoot}/{options.runs}/${name}`]);
    }
    for (const [table, { rows }] of Object.entries(matrix.tables)) {
      // Rows run under the table's configuration, with their own options: nothing is passed on to them.
      expect(targets[table]?.dependsOn, table).toEqual(rows.map((row) => ({ target: `train-${row}` })));
      expect(targets[table]?.options, table).toMatchObject({
        command: `node bin/mixent.js ${table}`,
        runs: runsFolder('sample'),
        out: tableFolder(table, 'sample'),
      });
      expect(targets[table]?.configurations?.full, table).toMatchObject({ runs: runsFolder('full'), out: tableFolder(table, 'full') });
      // A table is built where nx runs, from the run folders its rows' -slurm targets made.
      expect(targets[table]?.configurations?.['full-slurm'], table).toEqual(targets[table]?.configurations?.full);
    }
  });

  it('gain a row and a table from one edit of tables.json and one new config file', () => {
    // A scratch copy of what nx reads of the workspace, with node_modules shared.
    const root = mkdtempSync(join(tmpdir(), 'mixent-nx-'));
    for (const path of [
      'nx.json',
      'package.json',
      'tools/experiment-targets.cjs',
      'packages/experiments/project.json',
      'packages/experiments/package.json',
    ]) {
      cpSync(join(workspaceRoot, path), join(root, path), { recursive: true });
    }
    cpSync(CONFIG_DIR, join(root, 'packages/experiments/configs'), { recursive: true });
    symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'));
    // The newcomer's change: a config, a row in an existing table, and a new table.
    const configs = join(root, 'packages/experiments/configs');
    writeFileSync(
      join(configs, 'vgg5-entropy-only.json'),
      JSON.stringify({ model: { name: 'vgg5' }, loss: { name: 'min-ent', options: { w1: 0.5, w2: 0.5 } } }),
    );
    const matrix = JSON.parse(readFileSync(TABLES_FILE, 'utf8')) as {
      tables: Record<string, { rows: string[]; baseline: string; out: string; description: string }>;
    };
    matrix.tables['loss-table']!.rows.push('vgg5-entropy-only');
    matrix.tables['entropy-table'] = {
      description: 'MIN-ENT weights',
      rows: ['vgg5-ce', 'vgg5-entropy-only'],
      baseline: 'vgg5-ce',
      out: 'results/{profile}/entropy-table',
    };
    const edited = join(root, 'packages/experiments/tables.json');
    writeFileSync(edited, JSON.stringify(matrix, null, 2));
    // The app accepts it as it is, and nx makes the targets from it.
    expect(Object.keys(readExperimentMatrix(edited, [...namedConfigs(), 'vgg5-entropy-only']).tables)).toEqual([
      'paper-table',
      'loss-table',
      'entropy-table',
    ]);
    const targets = experimentsTargets(root);
    expect(targets['train-vgg5-entropy-only']?.options?.command).toBe('node bin/mixent.js train-row --row vgg5-entropy-only');
    expect(targets['loss-table']?.dependsOn?.at(-1)).toEqual({ target: 'train-vgg5-entropy-only' });
    expect(targets['entropy-table']?.dependsOn).toEqual([{ target: 'train-vgg5-ce' }, { target: 'train-vgg5-entropy-only' }]);
    expect(targets['entropy-table']?.options).toMatchObject({
      command: 'node bin/mixent.js entropy-table',
      out: 'results/sample/entropy-table',
    });
  }, 60_000);
});
