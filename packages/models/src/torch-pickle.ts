/*
 * The pickle of a state dict as torch.save writes it (protocol 2): an OrderedDict of tensors, each rebuilt by
 * torch._utils._rebuild_tensor_v2 from a persistent reference to its storage ('storage', torch.FloatStorage,
 * key, 'cpu', numel), then optionally wrapped as {'model_state': …}. Only this shape is written.
 */

/** What the pickle references of one tensor: its storage's key, its dtype's storage class, its shape. */
export interface PickledTensor {
  key: string;
  storage: 'FloatStorage' | 'LongStorage';
  shape: readonly number[];
}

const op = {
  PROTO: 0x80,
  STOP: 0x2e,
  MARK: 0x28,
  GLOBAL: 0x63,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  REDUCE: 0x52,
  BINUNICODE: 0x58,
  BININT: 0x4a,
  BINPERSID: 0x51,
  NEWFALSE: 0x89,
  EMPTY_DICT: 0x7d,
  SETITEM: 0x73,
  SETITEMS: 0x75,
} as const;

class PickleWriter {
  private readonly bytes: number[] = [];

  raw(...values: number[]): this {
    this.bytes.push(...values);
    return this;
  }

  int(value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, value, true);
    return this.raw(op.BININT, ...b);
  }

  string(value: string): this {
    const utf8 = new TextEncoder().encode(value);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, utf8.length, true);
    return this.raw(op.BINUNICODE, ...length, ...utf8);
  }

  global(module: string, name: string): this {
    return this.raw(op.GLOBAL, ...new TextEncoder().encode(`${module}\n${name}\n`));
  }

  tuple(items: readonly number[]): this {
    this.raw(op.MARK);
    for (const item of items) this.int(item);
    return this.raw(op.TUPLE);
  }

  orderedDict(): this {
    return this.global('collections', 'OrderedDict').raw(op.EMPTY_TUPLE, op.REDUCE);
  }

  tensor({ key, storage, shape }: PickledTensor): this {
    const numel = shape.reduce((a, b) => a * b, 1);
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
    this.global('torch._utils', '_rebuild_tensor_v2').raw(op.MARK);
    this.raw(op.MARK).string('storage').global('torch', storage).string(key).string('cpu').int(numel).raw(op.TUPLE, op.BINPERSID);
    this.int(0).tuple(shape).tuple(strides).raw(op.NEWFALSE).orderedDict();
    return this.raw(op.TUPLE, op.REDUCE);
  }

  done(): Uint8Array {
    return Uint8Array.from([...this.bytes, op.STOP]);
  }
}

/** The pickle of a state dict whose tensors are `tensors`, in order, under their keys. */
export function pickleStateDict(tensors: ReadonlyMap<string, PickledTensor>, wrapped: boolean): Uint8Array {
  const w = new PickleWriter().raw(op.PROTO, 2);
  if (wrapped) w.raw(op.EMPTY_DICT).string('model_state');
  w.orderedDict().raw(op.MARK);
  for (const [key, tensor] of tensors) w.string(key).tensor(tensor);
  w.raw(op.SETITEMS);
  if (wrapped) w.raw(op.SETITEM);
  return w.done();
}
