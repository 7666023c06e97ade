import {
  type BackendTimingInfo,
  type BackendValues,
  type DataId,
  DataStorage,
  type DataType,
  KernelBackend,
  type TensorInfo,
  engine,
  util,
} from '@tensorflow/tfjs-core';
import { type Binding, DTYPE_CODES, type NativeDtype } from './binding.js';

/**
 * Tensor storage of the torch backend: one ATen tensor (an integer handle into the addon's table) per tfjs data
 * id. Strings stay in JavaScript, as tfjs' cpu backend keeps them; the fallback kernels are the only ones that read
 * them. complex64 is refused.
 */

interface TensorData {
  /** The addon's handle; 0 for strings, which have no native tensor. */
  handle: number;
  /** Only for strings: tfjs' encoded bytes. */
  strings?: Uint8Array[];
  dtype: DataType;
  /** How many tfjs tensors share this data (kernels such as Reshape on other backends reuse a data id). */
  refCount: number;
}

const DTYPE_BY_CODE: readonly NativeDtype[] = ['float32', 'int32', 'bool'];

/** The typed array tfjs uses for each dtype the addon holds. */
function typedValues(values: BackendValues | null, dtype: NativeDtype, size: number): Float32Array | Int32Array | Uint8Array {
  const Kind = dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array;
  if (values === null) return new Kind(size);
  if (values instanceof Kind) return values;
  return Kind.from(values as ArrayLike<number>);
}

/** tfjs' KernelBackend on libtorch: see the package README for what runs natively and what falls back. */
export class TorchBackend extends KernelBackend {
  private readonly data: DataStorage<TensorData>;
  /** Every handle this backend holds, so that dispose() can free what the engine did not. */
  private readonly handles = new Set<number>();

  constructor(private readonly binding: Binding) {
    super();
    this.data = new DataStorage(this, engine());
  }

  override write(values: BackendValues | null, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.move(dataId, values, shape, dtype, 1);
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues | null, shape: number[], dtype: DataType, refCount: number): void {
    if (dtype === 'string') {
      this.data.set(dataId, { handle: 0, strings: (values ?? []) as Uint8Array[], dtype, refCount });
      return;
    }
    const native = nativeDtype(dtype);
    const handle = this.binding.create(typedValues(values, native, util.sizeFromShape(shape)), shape, DTYPE_CODES[native]);
    this.handles.add(handle);
    this.data.set(dataId, { handle, dtype, refCount });
  }

  /** A kernel output's TensorInfo made from values computed in JavaScript (the fallback kernels). */
  makeTensorInfo(shape: number[], dtype: DataType, values: BackendValues): TensorInfo {
    return { dataId: this.write(values, shape, dtype), shape, dtype };
  }

  override readSync(dataId: DataId): BackendValues {
    const data = this.data.get(dataId);
    return data.strings ?? this.binding.read(data.handle);
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const data = this.data.get(dataId);
    data.refCount--;
    if (!force && data.refCount > 0) return false;
    if (data.handle !== 0) {
      this.binding.free(data.handle);
      this.handles.delete(data.handle);
    }
    this.data.delete(dataId);
    return true;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  /** Exact: the bytes of the distinct ATen storages that live tensors hold (a view shares its base's). */
  override memory(): { unreliable: boolean; numBytesInTorch: number; numTorchTensors: number } {
    const { bytes, tensors } = this.binding.stats();
    return { unreliable: false, numBytesInTorch: bytes, numTorchTensors: tensors };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override async time(f: () => void): Promise<BackendTimingInfo> {
    const start = performance.now();
    f();
    this.binding.synchronize();
    return { kernelMs: performance.now() - start };
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override dispose(): void {
    for (const handle of this.handles) this.binding.free(handle);
    this.handles.clear();
  }

  /** The addon's handle of a tensor of this backend (moving it here first if another backend holds it). */
  handle(tensor: TensorInfo): number {
    const data = this.data.get(tensor.dataId);
    if (data.handle === 0) throw new Error(`the torch backend has no native tensor for a ${data.dtype} tensor`);
    return data.handle;
  }

  /**
   * Runs one of the addon's kernels. Absent optional inputs are null or undefined; `dtype` casts every output to
   * it (tfjs' dtype rules are applied in src/kernels, not in C++).
   */
  run(
    kernel: string,
    inputs: readonly (TensorInfo | null | undefined)[],
    ints: readonly number[] = [],
    floats: readonly number[] = [],
    dtype?: DataType,
  ): TensorInfo[] {
    const handles = inputs.map((input) => (input ? this.handle(input) : 0));
    const outputs = this.binding.run(kernel, handles, ints, floats, dtype === undefined ? -1 : DTYPE_CODES[nativeDtype(dtype)]);
    return outputs.map(([handle, code, ...shape]) => {
      const outDtype = DTYPE_BY_CODE[code] as NativeDtype;
      const dataId = {};
      this.handles.add(handle);
      this.data.set(dataId, { handle, dtype: outDtype, refCount: 1 });
      return { dataId, shape, dtype: outDtype };
    });
  }
}

function nativeDtype(dtype: DataType): NativeDtype {
  if (dtype in DTYPE_CODES) return dtype as NativeDtype;
  throw new Error(`the torch backend does not hold ${dtype} tensors (float32, int32, bool and string only)`);
}
