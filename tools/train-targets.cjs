// An nx plugin: one cached `train-<name>` target for each named config (`<project>/configs/<name>.json`), so that a
// row of a table is a config file and nothing else. nx.json says which folders it reads. CommonJS, because nx
// require()s local plugins and transpiles TypeScript ones only with ts-node or swc, which this workspace lacks.
const { availableParallelism } = require('node:os');
const { basename, dirname, join } = require('node:path');

/**
 * ATen's threads per row: nx trains `parallel` rows at once, and OpenMP threads that outnumber the cores spin
 * against each other (two rows of 2 threads on 2 cores trained 5× slower than two of 1). The user's own
 * MIXENT_TORCH_THREADS wins.
 */
function torchThreadsPerRow() {
  if (process.env.MIXENT_TORCH_THREADS) return process.env.MIXENT_TORCH_THREADS;
  const { parallel = 3 } = require(join(__dirname, '..', 'nx.json'));
  return String(Math.max(1, Math.floor(availableParallelism() / parallel)));
}

/**
 * The target that trains every seed of one named config, under the sample (default) or full configuration.
 * @param {string} name the config's file name without `.json`
 * @returns {import('nx/src/devkit-exports').TargetConfiguration}
 */
function trainTarget(name) {
  return {
    executor: 'nx:run-commands',
    options: {
      cwd: '{projectRoot}',
      command: `node bin/mixent.js train-row --row ${name}`,
      env: { MIXENT_TORCH_THREADS: torchThreadsPerRow() },
      profile: 'sample',
      seeds: 3,
      // The folder of all rows, not of this row: the tables pass their command-line options on to their rows.
      runs: 'results/sample/runs',
    },
    configurations: { sample: {}, full: { profile: 'full', runs: 'results/full/runs' } },
    defaultConfiguration: 'sample',
    inputs: [
      `{projectRoot}/configs/${name}.json`,
      '{projectRoot}/src/**/*.ts',
      '!{projectRoot}/src/**/*.test.ts',
      '{projectRoot}/bin/**/*',
      '^production',
      { env: 'MIXENT_BACKEND' },
      // auto trains on torch where its addon finds libtorch, and torch's results depend on its threads and device.
      { runtime: 'node packages/tfjs-backend-torch/scripts/find-libtorch.mjs --fingerprint' },
      { env: 'MIXENT_TORCH_THREADS' },
      { env: 'MIXENT_TORCH_DEVICE' },
    ],
    outputs: [`{projectRoot}/{options.runs}/${name}`],
    cache: true,
  };
}

/** @type {import('nx/src/devkit-exports').CreateNodesV2} */
const createNodesV2 = [
  '**/configs/*.json',
  (files) =>
    files.map((file) => {
      const name = basename(file, '.json');
      // The project is the folder that holds configs/.
      return [file, { projects: { [dirname(dirname(file))]: { targets: { [`train-${name}`]: trainTarget(name) } } } }];
    }),
];

module.exports = { name: 'mixent-train-targets', createNodesV2 };
