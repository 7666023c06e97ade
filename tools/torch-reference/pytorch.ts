import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type TestComponent, describeWith } from '../testing/describe-with.js';

/**
 * The PyTorch reference (tools/torch-reference), run with the machine's python3. CI installs Debian's
 * python3-torch and sets MIXENT_REQUIRE_PYTORCH=1; without it, tests check the error that says how to get it.
 */

/** Where the reference's scripts are. */
export const TORCH_REFERENCE_DIR = import.meta.dirname;

/** MIXENT_PYTHON, else the first python3 that imports torch: the one on PATH, then the system's (Debian's packages). */
const python = [process.env.MIXENT_PYTHON, 'python3', '/usr/bin/python3']
  .filter((candidate): candidate is string => Boolean(candidate))
  .find((candidate) => spawnSync(candidate, ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0);

/** Why the reference cannot run here, or undefined when a python3 imports torch and torchvision. */
export function pytorchUnavailable(): string | undefined {
  if (python) return undefined;
  return 'the PyTorch reference needs python3 with torch and torchvision, and no python3 here imports them (apt install python3-torch python3-torchvision, or pip install torch torchvision; MIXENT_PYTHON names the interpreter)';
}

/**
 * Runs a script of tools/torch-reference (with `input` on its stdin) and gives its stdout; throws with its stderr
 * when it fails. Asynchronous, so that a long run does not block the test worker past vitest's heartbeat.
 */
export async function runTorchReference(script: string, args: readonly string[], input?: string): Promise<string> {
  if (!python) throw new Error(pytorchUnavailable());
  // One thread: OpenMP threads beside the tests' own spin against each other on a small machine.
  const env = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const child = spawn(python, [join(TORCH_REFERENCE_DIR, script), ...args], {
    cwd: TORCH_REFERENCE_DIR,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  child.stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  child.stdin.end(input ?? '');
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  if (code !== 0) throw new Error(`python3 ${script} ${args.join(' ')} failed (${code}):\n${Buffer.concat(chunks.stderr).toString()}`);
  return Buffer.concat(chunks.stdout).toString();
}

/** The PyTorch reference as a component that tests need: CI requires it with MIXENT_REQUIRE_PYTORCH=1. */
export const PYTORCH: TestComponent = {
  name: 'PyTorch',
  requiredBy: 'MIXENT_REQUIRE_PYTORCH',
  unavailable: pytorchUnavailable,
  howToGet: /apt install python3-torch python3-torchvision/,
};

/** A describe block of tests that run the reference (see {@link describeWith}). */
export function describeWithPyTorch(title: string, body: () => void): void {
  describeWith(PYTORCH, title, body);
}
