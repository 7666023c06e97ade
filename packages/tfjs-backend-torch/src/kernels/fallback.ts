import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  type DataId,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorInfoMap,
  type TensorInfo,
  getKernel,
  getKernelsForBackend,
} from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend.js';

/**
 * Every tfjs kernel that the addon does not implement runs as tfjs' cpu backend's kernel: the inputs are copied to
 * a private cpu backend, its kernel runs, and the outputs are copied back. Slow, but any tfjs program runs. Each use
 * is counted, so that a test and the bench can show that a training step never takes this path.
 */

const counts = new Map<string, number>();
let cpu: MathBackendCPU | undefined;

/** The private cpu backend, apart from the engine's own, so that its tensors never mix with a program's. */
function cpuBackend(): MathBackendCPU {
  if (!cpu) {
    cpu = new MathBackendCPU();
    // Its first write prints advice to install tfjs-node, which is not what a torch user needs to read.
    (cpu as unknown as { firstUse: boolean }).firstUse = false;
  }
  return cpu;
}

/** How often each kernel ran through the cpu fallback since the last reset. */
export function fallbackCounts(): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** Sets every fallback count back to zero. */
export function resetFallbackCounts(): void {
  counts.clear();
}

/** The cpu backend's kernel `kernelName`, run on copies of the torch backend's inputs. */
export function runOnCpu(kernelName: string, args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const config = getKernel(kernelName, 'cpu');
  if (!config) throw new Error(`kernel ${kernelName} is neither native to the torch backend nor a kernel of tfjs' cpu backend`);
  counts.set(kernelName, (counts.get(kernelName) ?? 0) + 1);
  const torch = args.backend as TorchBackend;
  const host = cpuBackend();
  const made: DataId[] = [];
  const copy = (input: TensorInfo): TensorInfo => {
    if (input.dtype === 'complex64') throw new Error(`the torch backend does not hold complex64 tensors (kernel ${kernelName})`);
    const dataId = host.write(torch.readSync(input.dataId), input.shape, input.dtype);
    made.push(dataId);
    return { dataId, shape: input.shape, dtype: input.dtype };
  };
  const inputs = Array.isArray(args.inputs)
    ? (args.inputs as TensorInfo[]).map(copy)
    : Object.fromEntries(Object.entries(args.inputs).map(([name, input]) => [name, input ? copy(input) : input]));
  try {
    const result = config.kernelFunc({ inputs: inputs as NamedTensorInfoMap, attrs: args.attrs, backend: host });
    const outputs = Array.isArray(result) ? result : [result];
    made.push(...outputs.map((output) => output.dataId));
    const back = outputs.map((output) => {
      if (output.dtype === 'complex64') throw new Error(`the torch backend does not hold complex64 tensors (kernel ${kernelName})`);
      return torch.makeTensorInfo(output.shape, output.dtype, host.readSync(output.dataId));
    });
    return Array.isArray(result) ? back : (back[0] as TensorInfo);
  } finally {
    // A cpu kernel may return one of its inputs' data ids: each is freed once, whatever its count.
    for (const dataId of new Set(made)) host.disposeData(dataId, true);
  }
}

/** A fallback KernelConfig for each of the cpu backend's kernels not in `native`. */
export function fallbackKernels(native: ReadonlySet<string>, backendName: string): KernelConfig[] {
  return getKernelsForBackend('cpu')
    .filter(({ kernelName }) => !native.has(kernelName))
    .map(({ kernelName }) => ({ kernelName, backendName, kernelFunc: (args) => runOnCpu(kernelName, args) }));
}
