#!/usr/bin/env node
// Runs the mixent command from the workspace's TypeScript sources (through tsx, resolving the
// @mixent/* packages to their sources), so that no build is needed in a clone of the repository.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const { status, signal } = spawnSync(
  process.execPath,
  ['--conditions=@mixent/source', '--import', import.meta.resolve('tsx'), entry, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exitCode = status ?? (signal ? 1 : 0);
