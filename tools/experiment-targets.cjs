// An nx plugin: the experiments project's targets, made from its data. Each config file (`configs/<name>.json`)
// gets a cached `train-<name>` target that trains its seeds; each table of `tables.json` gets a cached target that
// depends on its rows' targets. Under `-c <profile>-slurm`, a row trains its seeds as a Slurm job array and waits. Adding a row or a table is an edit of tables.json and a config file, nothing else.
// CommonJS, because nx require()s local plugins and transpiles TypeScript ones only with ts-node or swc, which
// this workspace lacks. The full check of tables.json is the app's (src/tables.ts); this reads what it needs.
const { readFileSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const { basename, dirname, join } = require('node:path');

/**
 * What this plugin reads of tables.json.
 * @typedef {{ seeds: number, profiles: string[], runs: string, tables: Record<string, { rows: string[], out: string }> }} Matrix
 * @typedef {import('nx/src/devkit-exports').TargetConfiguration} Target
 */

/**
 * The project's tables.json, parsed.
 * @param {string} workspaceRoot
 * @param {string} project the folder that holds it, relative to the workspace root
 * @returns {Matrix}
 */
function readTables(workspaceRoot, project) {
  const file = join(workspaceRoot, project, 'tables.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read the experiment matrix (${/** @type {Error} */ (error).message})`);
  }
}

/**
 * A path of tables.json (`results/{profile}/runs`) for one profile.
 * @param {string} template
 * @param {string} profile
 */
const forProfile = (template, profile) => template.replaceAll('{profile}', profile);

/**
 * Options under each profile: the first profile's are the target's options (and its default configuration), each
 * profile is a configuration, and so is `<profile>-slurm`, with `slurm`'s options on top: the same runs, trained as
 * Slurm job arrays. nx runs a table's rows under the table's configuration.
 * @param {Matrix} tables
 * @param {(profile: string) => Record<string, string>} options
 * @param {Record<string, unknown>} slurm
 */
function profileOptions(tables, options, slurm) {
  const [first = 'sample', ...others] = tables.profiles;
  const configurations = [[first, {}], ...others.map((profile) => [profile, { profile, ...options(profile) }])];
  for (const profile of tables.profiles) configurations.push([`${profile}-slurm`, { profile, ...options(profile), ...slurm }]);
  return {
    options: { profile: first, ...options(first) },
    configurations: Object.fromEntries(configurations),
    defaultConfiguration: first,
  };
}

/**
 * ATen's threads per row: nx trains `parallel` rows at once, and OpenMP threads that outnumber the cores spin
 * against each other (BENCHMARKS.md). The user's own MIXENT_TORCH_THREADS wins.
 * @param {string} workspaceRoot
 */
function torchThreadsPerRow(workspaceRoot) {
  if (process.env.MIXENT_TORCH_THREADS) return process.env.MIXENT_TORCH_THREADS;
  const { parallel = 3 } = JSON.parse(readFileSync(join(workspaceRoot, 'nx.json'), 'utf8'));
  return String(Math.max(1, Math.floor(availableParallelism() / parallel)));
}

/** What a row's and a table's results depend on besides their own files. */
const CODE_INPUTS = [
  '{projectRoot}/src/**/*.ts',
  '!{projectRoot}/src/**/*.test.ts',
  '{projectRoot}/bin/**/*',
  '^production',
  { env: 'MIXENT_BACKEND' },
  { env: 'MIXENT_EXPERIMENTS' },
];

/**
 * The target that trains every seed of one config into `<runs>/<name>`.
 * @param {Matrix} tables
 * @param {string} name the config's file name without `.json`
 * @param {string} workspaceRoot
 * @returns {Target}
 */
function trainTarget(tables, name, workspaceRoot) {
  // On Slurm the row submits its seeds and waits; each task takes its ATen threads from its CPUs, not from here.
  const byProfile = profileOptions(tables, (profile) => ({ runs: forProfile(tables.runs, profile) }), { scheduler: 'slurm', env: {} });
  return {
    executor: 'nx:run-commands',
    ...byProfile,
    options: {
      cwd: '{projectRoot}',
      command: `node bin/mixent.js train-row --row ${name}`,
      env: { MIXENT_TORCH_THREADS: torchThreadsPerRow(workspaceRoot) },
      ...byProfile.options,
      seeds: tables.seeds,
    },
    inputs: [
      `{projectRoot}/configs/${name}.json`,
      ...CODE_INPUTS,
      // auto trains on torch where its addon finds libtorch, and torch's results depend on its threads and device.
      { runtime: 'node packages/tfjs-backend-torch/scripts/find-libtorch.mjs --fingerprint' },
      { env: 'MIXENT_TORCH_THREADS' },
      { env: 'MIXENT_TORCH_DEVICE' },
    ],
    outputs: [`{projectRoot}/{options.runs}/${name}`],
    cache: true,
  };
}

/**
 * The target that builds one table from its rows' runs.
 * @param {Matrix} tables
 * @param {string} name
 * @returns {Target}
 */
function tableTarget(tables, name) {
  const { rows, out } = /** @type {Matrix['tables'][string]} */ (tables.tables[name]);
  const byProfile = profileOptions(tables, (profile) => ({ out: forProfile(out, profile), runs: forProfile(tables.runs, profile) }), {});
  return {
    executor: 'nx:run-commands',
    dependsOn: rows.map((row) => ({ target: `train-${row}` })),
    ...byProfile,
    options: { cwd: '{projectRoot}', command: `node bin/mixent.js ${name}`, ...byProfile.options, seeds: tables.seeds },
    inputs: [{ dependentTasksOutputFiles: '**/*.json' }, '{projectRoot}/tables.json', ...CODE_INPUTS],
    outputs: [`{projectRoot}/{options.out}/${name}.*`, '{projectRoot}/{options.out}/*.svg'],
    cache: true,
  };
}

/** @type {import('nx/src/devkit-exports').CreateNodesV2} */
const createNodesV2 = [
  '**/{tables.json,configs/*.json}',
  (files, _options, context) =>
    files.map((file) => {
      const isTables = basename(file) === 'tables.json';
      const project = isTables ? dirname(file) : dirname(dirname(file));
      const tables = readTables(context.workspaceRoot, project);
      const targets = isTables
        ? Object.fromEntries(Object.keys(tables.tables).map((name) => [name, tableTarget(tables, name)]))
        : { [`train-${basename(file, '.json')}`]: trainTarget(tables, basename(file, '.json'), context.workspaceRoot) };
      return [file, { projects: { [project]: { targets } } }];
    }),
];

module.exports = { name: 'mixent-experiment-targets', createNodesV2 };
