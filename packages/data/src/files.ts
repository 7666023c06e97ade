import { stat } from 'node:fs/promises';

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
