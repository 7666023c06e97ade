import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** tfjs' dtypes as the addon numbers them (native/ops.cc). */
export const DTYPE_CODES = Object.freeze({ float32: 0, int32: 1, bool: 2 } as const);

/** A dtype the addon holds natively. */
export type NativeDtype = keyof typeof DTYPE_CODES;

/** One output of a kernel, as the addon returns it: handle, dtype code, then the shape. */
export type NativeOutput = [handle: number, dtype: number, ...shape: number[]];

/** What libtorch the addon runs on (the addon's info()). */
export interface NativeInfo {
  version: string;
  device: 'cpu' | 'cuda';
  threads: number;
  cuda: boolean;
  cudnn: boolean;
  mkldnn: boolean;
  openmp: boolean;
  /** The tfjs kernel names the addon implements. */
  kernels: string[];
}

/** The native addon's functions (native/store.cc). */
export interface Binding {
  create(values: Float32Array | Int32Array | Uint8Array, shape: readonly number[], dtype: number): number;
  read(handle: number): Float32Array | Int32Array | Uint8Array;
  free(handle: number): void;
  run(kernel: string, inputs: readonly number[], ints: readonly number[], floats: readonly number[], dtype: number): NativeOutput[];
  stats(): { tensors: number; bytes: number };
  configure(device: 'cpu' | 'cuda', threads: number): void;
  info(): NativeInfo;
  synchronize(): void;
}

/** The code of TorchUnavailableError, to recognize it without importing this package (which throws it on import). */
export const TORCH_UNAVAILABLE = 'MIXENT_TORCH_UNAVAILABLE';

/** The torch backend cannot run here: no addon was built (no libtorch at build time), or it does not load. */
export class TorchUnavailableError extends Error {
  override readonly name = 'TorchUnavailableError';
  readonly code = TORCH_UNAVAILABLE;
}

const HOW_TO_GET =
  'install PyTorch (pip install torch), or Debian/Ubuntu libtorch-dev (apt install libtorch-dev), or unzip a libtorch ' +
  'release and set LIBTORCH=/path/to/libtorch; then rebuild the addon: npm rebuild @mixent/tfjs-backend-torch ' +
  '(in the mixent repository: npx nx run tfjs-backend-torch:build-native)';

const builtAddon = fileURLToPath(new URL('../native/build/Release/torch_backend.node', import.meta.url));
const libtorchRecord = fileURLToPath(new URL('../native/build/libtorch.json', import.meta.url));

/**
 * Loads the native addon, or throws TorchUnavailableError saying why and how to get it. The addon is the package's
 * build, or MIXENT_TORCH_ADDON's (an addon built elsewhere, e.g. beside a bundle), or the path given.
 */
export function loadBinding(addonPath = process.env.MIXENT_TORCH_ADDON || builtAddon): Binding {
  if (!existsSync(addonPath)) {
    throw new TorchUnavailableError(
      `the torch backend is not available: its native addon is not built (${addonPath}), because libtorch was not found when the package was built: ${HOW_TO_GET}`,
    );
  }
  try {
    return createRequire(import.meta.url)(addonPath) as Binding;
  } catch (error) {
    throw new TorchUnavailableError(
      `the torch backend is not available: its native addon ${addonPath} does not load (${(error as Error).message.split('\n')[0]}); ` +
        `was the libtorch it was built against (${builtAgainst()}) removed? ${HOW_TO_GET}`,
    );
  }
}

/** The libtorch folder the addon was built against, as the build recorded it. */
export function builtAgainst(): string {
  try {
    return (JSON.parse(readFileSync(libtorchRecord, 'utf8')) as { root: string }).root;
  } catch {
    return 'unknown';
  }
}
