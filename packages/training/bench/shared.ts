import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The median of `values` (the mean of the two middle ones for an even count), as Python's statistics.median. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Runs tools/bench-pytorch.py with `args` and returns its JSON, with `available: true`; or `available: false` and a
 * note where no python3 here can import torch or the script fails.
 */
export function runPytorchBench(args: readonly string[]): Record<string, unknown> {
  // Debian's python3-torch lives under the system python, which a pyenv python3 on PATH hides.
  const python = ['python3', '/usr/bin/python3'].find((exe) => spawnSync(exe, ['-c', 'import torch']).status === 0);
  if (!python) return { available: false, note: 'no python3 here can import torch (Debian: apt-get install python3-torch)' };
  const script = join(import.meta.dirname, '..', '..', '..', 'tools', 'bench-pytorch.py');
  const run = spawnSync(python, [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) return { available: false, note: `tools/bench-pytorch.py ${args.join(' ')} failed with status ${run.status}` };
  return { available: true, ...(JSON.parse(run.stdout) as Record<string, unknown>) };
}
