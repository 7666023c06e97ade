// Runs one training in a child process, so that a test can kill it: train-child.ts <config.json> <outDir> [--resume],
// on MIXENT_BACKEND (wasm if unset).
import { readFileSync } from 'node:fs';
import { selectBackend, train, type TrainConfig } from '../index.js';

const [configPath, outDir, flag] = process.argv.slice(2) as [string, string, string | undefined];
await selectBackend(process.env.MIXENT_BACKEND || 'wasm');
await train(JSON.parse(readFileSync(configPath, 'utf8')) as TrainConfig, {
  outDir,
  resume: flag === '--resume',
  progress: false,
  log: () => {},
});
