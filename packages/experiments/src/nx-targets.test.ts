import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedConfigs } from './configs.js';
import { TABLES } from './paper-table.js';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..');

interface Target {
  command?: string;
  options?: { command?: string; runs?: string };
  inputs?: unknown[];
  outputs?: string[];
  configurations?: Record<string, { runs?: string }>;
  dependsOn?: { target: string }[];
}

describe('the nx targets of the experiments project', () => {
  it('train every named config as its own cached target, and each table trains its rows', () => {
    // What nx itself makes of project.json and the train-targets plugin of nx.json.
    const show = spawnSync(process.execPath, [join(workspaceRoot, 'node_modules', 'nx', 'bin', 'nx.js'), 'show', 'project', 'experiments', '--json'], {
      cwd: workspaceRoot,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    expect(show.status, show.stderr).toBe(0);
    const targets = (JSON.parse(show.stdout) as { targets: Record<string, Target> }).targets;
    expect(Object.keys(targets).filter((name) => name.startsWith('train-')).sort()).toEqual(namedConfigs().map((name) => `train-${name}`));
    for (const name of namedConfigs()) {
      const target = targets[`train-${name}`]!;
      expect(target.options).toMatchObject({ command: `node bin/mixent.js train-row --row ${name}`, runs: 'results/sample/runs' });
      expect(target.configurations?.full?.runs).toBe('results/full/runs');
      expect(target.inputs).toContain(`{projectRoot}/configs/${name}.json`);
      expect(target.outputs).toEqual([`{projectRoot}/{options.runs}/${name}`]);
    }
    for (const [table, rows] of Object.entries(TABLES)) {
      expect(targets[table]?.dependsOn?.map((d) => d.target), table).toEqual(rows.map((row) => `train-${row}`));
      // The options a table passes on to its rows (params: forward) mean the same to them: where the runs are.
      expect(targets[table]?.options, table).toMatchObject({ command: `node bin/mixent.js ${table}`, runs: 'results/sample/runs' });
      expect(targets[table]?.configurations?.full?.runs, table).toBe('results/full/runs');
    }
  });
});
