import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { NameRegistry, Parser } from 'pickleparser';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { type PickledTensor, pickleStateDict } from './torch-pickle.js';
import type { TorchDtype, TorchTensor } from './torch-weights.js';

/*
 * Reads and writes what torch.save writes since PyTorch 1.6: a zip (stored, not compressed) of `<archive>/data.pkl`, a pickle
 * whose tensors are persistent references to storages, and `<archive>/data/<key>`, each storage's raw
 * little-endian bytes. Only what state dicts hold is understood: dicts, OrderedDicts, tensors, parameters and
 * plain values. No Python object is ever run: every global the pickle names must be one listed here.
 */

/** A checkpoint's content: its tensors by key, and what else its top-level dict held. */
export interface TorchCheckpoint {
  /** The state dict: `checkpoint['model_state']` when there is one, else the whole checkpoint. */
  stateDict: Map<string, TorchTensor>;
  /** Whether the state dict came from `checkpoint['model_state']` (the paper's layout). */
  wrapped: boolean;
  /** Top-level keys beside `model_state`, with their plain values (numbers, strings); tensors are not kept. */
  extra: Record<string, unknown>;
}

/** A checkpoint that cannot be read; the message names the file. */
export class TorchCheckpointError extends Error {
  override readonly name = 'TorchCheckpointError';
}

const STORAGE_DTYPES: Readonly<Record<string, TorchDtype>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
};

const BYTES: Readonly<Record<TorchDtype, number>> = { float32: 4, float64: 8, int64: 8, int32: 4 };

/** A tensor as the pickle describes it, before its storage's bytes are read. */
class TensorReference {
  constructor(
    readonly storage: StorageReference,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

class StorageReference {
  constructor(
    readonly key: string,
    readonly dtype: TorchDtype,
  ) {}
}

/** A storage class global (torch.FloatStorage, …): only its name is used, in the persistent id. */
function storageType(name: string) {
  const type = () => {
    throw new Error(`torch.${name} called`);
  };
  return Object.assign(type, { storageName: name });
}

/** The only globals a state dict's pickle may name, as what unpickling them makes. */
function stateDictNames(): NameRegistry {
  const registry = new NameRegistry();
  registry.register('collections', 'OrderedDict', () => ({}));
  registry.register(
    'torch._utils',
    '_rebuild_tensor_v2',
    (storage: StorageReference, offset: number, shape: number[], stride: number[]) => new TensorReference(storage, offset, shape, stride),
  );
  registry.register('torch._utils', '_rebuild_parameter', (tensor: TensorReference) => tensor);
  for (const name of Object.keys(STORAGE_DTYPES)) registry.register('torch', name, storageType(name));
  registry.onMissingName = (module: string, name: string) => {
    throw new Error(`the pickle names ${module}.${name}, which a state dict does not hold`);
  };
  return registry;
}

/** Reads a checkpoint written by torch.save: a bare state dict, or `{ model_state: state dict, … }`. */
export async function readTorchCheckpoint(file: string): Promise<TorchCheckpoint> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new TorchCheckpointError(`${file}: cannot read the checkpoint (${error.code ?? error.message})`);
  });
  // The legacy format is a bare pickle (opcode PROTO, 0x80) where the zip format starts with 'PK'.
  if (bytes[0] === 0x80) {
    throw new TorchCheckpointError(
      `${file}: a legacy (non-zip) torch.save file; save it again with PyTorch ≥ 1.6 (torch.save(torch.load(f), f))`,
    );
  }
  const entries = await readZip(file, bytes);
  const pickleName = [...entries.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (!pickleName) throw new TorchCheckpointError(`${file}: no <archive>/data.pkl in the zip: not a torch.save file`);
  const archive = pickleName.slice(0, -'data.pkl'.length);
  let root: unknown;
  try {
    const parser = new Parser({
      nameResolver: stateDictNames(),
      persistentResolver: { resolve: (pid) => storageOf(pid as unknown as unknown[]) },
      unpicklingTypeOfDictionary: 'object',
    });
    root = parser.parse(entries.get(pickleName) as Uint8Array);
  } catch (error) {
    throw new TorchCheckpointError(`${file}: ${pickleName}: ${(error as Error).message}`);
  }
  const storage = (reference: StorageReference): Uint8Array => {
    const data = entries.get(`${archive}data/${reference.key}`);
    if (!data) throw new TorchCheckpointError(`${file}: storage ${reference.key} is missing from the zip`);
    return data;
  };
  return splitCheckpoint(file, root, (reference) => materialize(file, reference, storage(reference.storage)));
}

/** The persistent id of a storage: ('storage', storage type, key, location, numel). */
function storageOf(pid: unknown[]): StorageReference {
  const [kind, type, key] = pid;
  const name = (type as { storageName?: string } | undefined)?.storageName;
  if (kind !== 'storage' || typeof key !== 'string' || !name) throw new Error(`unknown persistent id ${JSON.stringify(pid)}`);
  return new StorageReference(key, STORAGE_DTYPES[name] as TorchDtype);
}

function splitCheckpoint(file: string, root: unknown, tensorOf: (reference: TensorReference) => TorchTensor): TorchCheckpoint {
  if (typeof root !== 'object' || root === null) throw new TorchCheckpointError(`${file}: the checkpoint is not a dict`);
  const top = root as Record<string, unknown>;
  const wrapped = typeof top['model_state'] === 'object' && top['model_state'] !== null;
  const state = (wrapped ? top['model_state'] : top) as Record<string, unknown>;
  const stateDict = new Map<string, TorchTensor>();
  for (const [key, value] of Object.entries(state)) {
    // The _metadata attribute of a state dict holds each module's version, not weights.
    if (key === '_metadata') continue;
    if (!(value instanceof TensorReference)) throw new TorchCheckpointError(`${file}: ${key} is not a tensor`);
    stateDict.set(key, tensorOf(value));
  }
  const extra = wrapped
    ? Object.fromEntries(Object.entries(top).filter(([key, value]) => key !== 'model_state' && !(value instanceof TensorReference)))
    : {};
  return { stateDict, wrapped, extra };
}

/** Copies a tensor out of its storage's bytes, following its offset and strides. */
function materialize(file: string, reference: TensorReference, bytes: Uint8Array): TorchTensor {
  const { dtype } = reference.storage;
  const size = BYTES[dtype];
  const count = reference.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (element: number): number => {
    const at = element * size;
    if (at + size > bytes.byteLength) throw new TorchCheckpointError(`${file}: storage ${reference.storage.key} is truncated`);
    if (dtype === 'float32') return view.getFloat32(at, true);
    if (dtype === 'float64') return view.getFloat64(at, true);
    if (dtype === 'int32') return view.getInt32(at, true);
    return Number(view.getBigInt64(at, true));
  };
  const contiguous = reference.stride.every((stride, d) => stride === reference.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const end = (reference.offset + count) * size;
  if (contiguous && dtype === 'float32' && end <= bytes.byteLength) {
    // A copy, so that the values are aligned whatever the storage's offset in the zip; torch writes little-endian.
    return {
      dtype,
      shape: [...reference.shape],
      data: new Float32Array(new Uint8Array(bytes.subarray(reference.offset * size, end)).buffer),
    };
  }
  const values =
    dtype === 'float32'
      ? new Float32Array(count)
      : dtype === 'float64'
        ? new Float64Array(count)
        : dtype === 'int32'
          ? new Int32Array(count)
          : new Array<number>(count);
  const index = new Array<number>(reference.shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let element = reference.offset;
    for (let d = 0; d < index.length; d++) element += (index[d] as number) * (reference.stride[d] as number);
    values[i] = read(element);
    for (let d = index.length - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (reference.shape[d] as number)) break;
      index[d] = 0;
    }
  }
  return { dtype, shape: [...reference.shape], data: values };
}

/** Every entry of a zip, by name. */
async function readZip(file: string, bytes: Buffer): Promise<Map<string, Uint8Array>> {
  const fail = (error: Error) => new TorchCheckpointError(`${file}: not a whole zip (${error.message}); the file may be truncated`);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zipfile) => (error ? reject(fail(error)) : resolve(zipfile))),
  );
  const entries = new Map<string, Uint8Array>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (error: Error) => reject(fail(error)));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(fail(error));
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (streamError: Error) => reject(fail(streamError)));
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

/** Options of writeTorchCheckpoint. */
export interface WriteTorchCheckpointOptions {
  /** `{'model_state': state dict}`, the paper's layout (default), or the state dict alone. */
  wrapped?: boolean;
}

/**
 * Writes a state dict as torch.save does (zip format, pickle protocol 2), so that `torch.load` reads it; through a
 * temporary file and a rename. float32 and int64 tensors only.
 */
export async function writeTorchCheckpoint(
  file: string,
  stateDict: ReadonlyMap<string, TorchTensor>,
  options: WriteTorchCheckpointOptions = {},
): Promise<void> {
  const zip = new yazl.ZipFile();
  const references = new Map<string, PickledTensor>();
  [...stateDict].forEach(([key, tensor], i) => {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int64')
      throw new TorchCheckpointError(`${file}: ${key} is ${tensor.dtype}; only float32 and int64 are written`);
    references.set(key, { key: String(i), storage: tensor.dtype === 'float32' ? 'FloatStorage' : 'LongStorage', shape: tensor.shape });
    const bytes =
      tensor.dtype === 'float32'
        ? new Uint8Array(Float32Array.from(tensor.data).buffer)
        : new Uint8Array(BigInt64Array.from(Array.from(tensor.data, (v) => BigInt(v))).buffer);
    zip.addBuffer(Buffer.from(bytes), `archive/data/${i}`, { compress: false });
  });
  zip.addBuffer(Buffer.from(pickleStateDict(references, options.wrapped ?? true)), 'archive/data.pkl', { compress: false });
  zip.addBuffer(Buffer.from('3\n'), 'archive/version', { compress: false });
  zip.end();
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await pipeline(zip.outputStream, createWriteStream(temporary));
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new TorchCheckpointError(`${file}: cannot write the checkpoint (${(error as Error).message})`);
  }
}
