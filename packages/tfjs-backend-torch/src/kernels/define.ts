import { type DataType, type KernelConfig, type NamedAttrMap, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend.js';
import { runOnCpu } from './fallback.js';

/** What a native kernel sends to the addon: its inputs (null: an absent optional one), attributes, output dtype. */
export interface NativeCall {
  inputs: readonly (TensorInfo | null | undefined)[];
  ints?: readonly number[];
  floats?: readonly number[];
  /** tfjs' dtype of every output; absent: as ATen computes it (already one of tfjs'). */
  dtype?: DataType;
  /** The addon's kernel, when it is not the tfjs kernel's own name. */
  kernel?: string;
}

/** Lays a tfjs kernel's inputs and attributes out for the addon, or returns undefined to run it on the fallback. */
export type Prepare = (inputs: Record<string, TensorInfo | null | undefined>, attrs: NamedAttrMap) => NativeCall | undefined;

/** The backend's name, as tf.setBackend takes it. */
export const BACKEND_NAME = 'torch';

/**
 * A native kernel. Inputs the addon cannot hold (strings) and cases that `prepare` declines go to the cpu fallback,
 * so a kernel is native wherever it can be and correct everywhere. `multiple`: the kernel returns a list.
 */
export function nativeKernel(kernelName: string, prepare: Prepare, multiple = false): KernelConfig {
  return {
    kernelName,
    backendName: BACKEND_NAME,
    kernelFunc: (args) => {
      const inputs = args.inputs as Record<string, TensorInfo | null | undefined>;
      const native = Object.values(inputs).every((input) => !input || input.dtype !== 'string');
      const call = native ? prepare(inputs, args.attrs ?? {}) : undefined;
      if (!call) return runOnCpu(kernelName, args);
      const outputs = (args.backend as TorchBackend).run(call.kernel ?? kernelName, call.inputs, call.ints, call.floats, call.dtype);
      return multiple ? outputs : (outputs[0] as TensorInfo);
    },
  };
}

/** The input `name`, which tfjs guarantees for required inputs. */
export function input(inputs: Record<string, TensorInfo | null | undefined>, name: string): TensorInfo {
  const found = inputs[name];
  if (!found) throw new Error(`the torch backend: kernel input ${name} is missing`);
  return found;
}

/** One axis of `shape`, counted from the front (tfjs kernels may give it from the back). */
export function axisOf(axis: number, shape: readonly number[]): number {
  return util.parseAxisParam(axis, shape as number[])[0] as number;
}
