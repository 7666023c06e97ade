#!/usr/bin/env node
// Builds the native addon against the libtorch that find-libtorch.mjs finds, or says in one line why it does not.
// Without libtorch this is not an error (the addon is optional) unless MIXENT_REQUIRE_TORCH=1, as in CI.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const native = join(packageRoot, 'native');
const required = process.env.MIXENT_REQUIRE_TORCH === '1';

/** node-gyp: the package's own (in the repository), else the one npm runs install scripts with, else the PATH's. */
function nodeGyp() {
  try {
    return [process.execPath, createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    return process.env.npm_config_node_gyp ? [process.execPath, process.env.npm_config_node_gyp] : ['node-gyp'];
  }
}

/** Node's own headers when they are installed beside it (a system or nvm Node), so that node-gyp needs no download. */
function nodeHeaders() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? [`--nodedir=${prefix}`] : [];
}

// npm runs the install script in a clone of the repository too (npm ci), where nx's cached build-native target
// builds the addon instead: build it once, there.
if (process.env.npm_lifecycle_event === 'install' && !packageRoot.split(/[\\/]/).includes('node_modules')) {
  console.log('@mixent/tfjs-backend-torch: in the repository the addon is built by nx run tfjs-backend-torch:build-native');
  process.exit(0);
}

const torch = findLibtorch();
if (!torch.found) {
  // A stale addon would load against a libtorch that is gone: remove it, so that importing says what is wrong.
  rmSync(join(native, 'build'), { recursive: true, force: true });
  console.log(`@mixent/tfjs-backend-torch: the addon is not built: ${torch.message}`);
  process.exit(required ? 1 : 0);
}
console.log(
  `@mixent/tfjs-backend-torch: building the addon against libtorch ${torch.version} (${torch.source}, ${torch.root}${torch.cuda ? ', CUDA' : ''})`,
);
const [command, ...args] = nodeGyp();
const build = spawnSync(command, [...args, 'rebuild', '--jobs', 'max', ...nodeHeaders()], { cwd: native, stdio: 'inherit' });
if (build.status !== 0) {
  console.log(
    `@mixent/tfjs-backend-torch: the addon failed to build against ${torch.root} (node-gyp exited ${build.status ?? build.signal})`,
  );
  process.exit(required || process.env.npm_lifecycle_event !== 'install' ? 1 : 0);
}
writeFileSync(join(native, 'build', 'libtorch.json'), `${JSON.stringify(torch, null, 2)}\n`);
