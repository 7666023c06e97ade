import { stat } from 'node:fs/promises';

/** True when something (a file or a folder) exists at `path`. */
export function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
