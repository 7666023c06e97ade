// Trains the three models the playground ships, with the repository's own configs and `mixent train`, and
// copies what the app reads of each run folder (config.json, summary.json, model/) into public/models/.
// `nx run playground:train-models` runs it; its inputs are the configs and the code that trains.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The rows of the paper's table that the playground compares: VGG-5 with CE, MIN-ENT and MIX-ENT. */
export const SHIPPED_MODELS = ['vgg5-ce', 'vgg5-minent', 'vgg5-mixent'];

const project = join(import.meta.dirname, '..');
const mixent = join(project, '..', 'experiments', 'bin', 'mixent.js');
const runs = join(project, 'runs');
const published = join(project, 'public', 'models');

rmSync(published, { recursive: true, force: true });
for (const name of SHIPPED_MODELS) {
  const run = join(runs, name);
  rmSync(run, { recursive: true, force: true });
  // The sample profile on wasm, one thread: the paper table's sample rows, seed 0, so the numbers can be compared.
  const args = [mixent, 'train', '--config', name, '--profile', 'sample', '--backend', 'wasm', '--out', run];
  const trained = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, MIXENT_WASM_THREADS: '1' } });
  if (trained.status !== 0) throw new Error(`mixent train --config ${name} failed (${trained.status ?? trained.signal})`);
  mkdirSync(join(published, name), { recursive: true });
  for (const file of ['config.json', 'summary.json', 'model']) cpSync(join(run, file), join(published, name, file), { recursive: true });
}
writeFileSync(join(published, 'index.json'), `${JSON.stringify(SHIPPED_MODELS, null, 2)}\n`);
