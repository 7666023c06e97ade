import { rename, rm, stat, writeFile } from 'node:fs/promises';

/**
 * Writes a file through a temporary file beside it, renamed into place: a reader sees the old
 * content or the new one, never half of it, even if the process dies while writing.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

/** True when something (a file or a folder) exists at `path`. */
export function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
