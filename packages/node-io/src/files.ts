import { open, stat } from 'node:fs/promises';

/** True when something (a file or a folder) exists at `path`. */
export function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** A Node system error (ENOENT, ENOSPC, EACCES, …): a fault of the machine or the path, not of the data. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/**
 * Writes `data` to `path` and flushes it to the disk before returning, so that a rename that follows cannot
 * publish a file a power loss would leave empty; with `data` undefined, flushes the folder at `path` (its entries;
 * nothing on Windows).
 */
export async function writeFileDurably(path: string, data?: string | Uint8Array): Promise<void> {
  // Windows cannot flush a folder (a read-only handle fails with EPERM) and needs no such flush for its renames.
  if (data === undefined && process.platform === 'win32') return;
  const handle = await open(path, data === undefined ? 'r' : 'w');
  try {
    if (data !== undefined) await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
