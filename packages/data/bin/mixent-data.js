#!/usr/bin/env node
// The mixent-data command. Installed from npm, it runs the build (dist/). In a clone of the repository (which has the
// package's tsconfig.json, never published) it runs the TypeScript sources through the workspace's tsx instead, so
// that `npx mixent-data` works right after `npm ci` and never runs a stale build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (existsSync(fileURLToPath(new URL('../tsconfig.json', import.meta.url)))) {
  const entry = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
  // tsx resolved from this file, so that the command works from any folder.
  const args = ['--conditions=@mixent/source', '--import', import.meta.resolve('tsx'), entry, ...process.argv.slice(2)];
  const { status, signal } = spawnSync(process.execPath, args, { stdio: 'inherit' });
  process.exitCode = status ?? (signal ? 1 : 0);
} else {
  await import('../dist/bin.js');
}
