import { createRequire } from 'node:module';
import type * as TorchPackage from '@mixent/tfjs-backend-torch';

// Optional packages (tfjs-node, tfjs-node-gpu, webgpu) are found with Node's resolver at run time, so that
// mixent builds and runs without them and uses them as soon as they are installed.

const require = createRequire(import.meta.url);

/** Whether a package is installed where this module can see it (Node's resolver, whatever loads us). */
export function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch (error) {
    // An ESM-only package without a require export is installed all the same.
    return (error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND';
  }
}

/** Imports an optional package, by a name TypeScript does not resolve at build time; undefined when absent. */
export async function importOptional(name: string): Promise<Record<string, unknown> | undefined> {
  if (!isInstalled(name)) return undefined;
  return (await import(name)) as Record<string, unknown>;
}

/** An installed package's version, from its package.json. */
export function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown version';
  }
}

/** The torch backend's package: a literal import, so that bundlers take it along where it is installed. */
export function importTorch(): Promise<typeof TorchPackage> {
  return import('@mixent/tfjs-backend-torch');
}
