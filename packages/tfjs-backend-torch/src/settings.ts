import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Where the torch backend's tensors live. */
export type TorchDevice = 'cpu' | 'cuda';

/** The device and CPU threads the backend starts with. */
export interface TorchSettings {
  device: TorchDevice;
  /** ATen's intra-op threads (at::set_num_threads). */
  threads: number;
}

/** Physical cores (hyper-threads share one), from /proc/cpuinfo; elsewhere the logical CPUs. */
export function physicalCores(cpuinfo?: string): number {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return availableParallelism();
    }
  }
  const cores = new Set<string>();
  for (const block of text.split(/\n\s*\n/)) {
    const physical = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (physical !== undefined && core !== undefined) cores.add(`${physical}/${core}`);
  }
  return cores.size > 0 ? cores.size : availableParallelism();
}

/**
 * MIXENT_TORCH_DEVICE (cpu, cuda or auto: cuda when this libtorch has it and sees a GPU) and MIXENT_TORCH_THREADS
 * (default: the physical cores). A bad value, or cuda without CUDA, is an error that names the variable.
 */
export function resolveTorchSettings(cudaAvailable: boolean, env: NodeJS.ProcessEnv = process.env): TorchSettings {
  const wanted = env.MIXENT_TORCH_DEVICE || 'auto';
  if (!['auto', 'cpu', 'cuda'].includes(wanted)) throw new Error(`MIXENT_TORCH_DEVICE=${wanted}: expected cpu, cuda or auto`);
  if (wanted === 'cuda' && !cudaAvailable) {
    throw new Error(
      'MIXENT_TORCH_DEVICE=cuda, but the libtorch the addon was built against has no CUDA, or sees no GPU: build it against a CUDA libtorch (pip install torch with CUDA, or the CUDA libtorch zip)',
    );
  }
  const device: TorchDevice = wanted === 'auto' ? (cudaAvailable ? 'cuda' : 'cpu') : (wanted as TorchDevice);
  const threadsText = env.MIXENT_TORCH_THREADS;
  const threads = threadsText ? Number(threadsText) : physicalCores();
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`MIXENT_TORCH_THREADS=${threadsText}: expected a whole number of at least 1`);
  return { device, threads };
}

/** One line for people: e.g. "torch (libtorch 1.13.0, cpu, 2 threads, oneDNN)". */
export function describeTorch(info: TorchSettings & { version: string; mkldnn: boolean; cudnn: boolean }): string {
  const parts = [`libtorch ${info.version}`, info.device, `${info.threads} thread${info.threads === 1 ? '' : 's'}`];
  if (info.device === 'cpu' && info.mkldnn) parts.push('oneDNN');
  if (info.device === 'cuda') parts.push(info.cudnn ? 'cuDNN' : 'no cuDNN');
  return `torch (${parts.join(', ')})`;
}
