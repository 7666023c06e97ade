import { builtinModules } from 'node:module';
import { build } from 'esbuild';

/**
 * The check that a package's browser entry runs in a browser: it is bundled for the browser platform (with the
 * `browser` and `@mixent/source` conditions, as a web app in this workspace resolves it), which fails on any
 * import of a Node built-in that no package's `browser` field maps away, and then no file of a Node-only package
 * may be among the bundle's inputs. The packages' tests run it on their browser entries; the playground's build
 * refuses the same imports.
 */

/** Packages that need Node (its file system, streams or process) and must not reach a browser bundle. */
export const NODE_ONLY_PACKAGES = Object.freeze(['@mixent/node-io', 'pngjs', 'write-file-atomic', 'yauzl', 'yazl']);

/** Whether an import specifier names a Node built-in module (`node:fs`, `fs`, `fs/promises`). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] as string);
}

/** Whether a resolved file belongs to a Node-only package (NODE_ONLY_PACKAGES), in node_modules or the workspace. */
export function isNodeOnlyFile(file: string): boolean {
  const path = file.replaceAll('\\', '/');
  return NODE_ONLY_PACKAGES.some((name) => path.includes(`node_modules/${name}/`)) || path.includes('packages/node-io/');
}

/** Bundles an entry for browsers (tfjs left outside) and gives the files it took in; throws esbuild's errors. */
export async function browserBundleInputs(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    conditions: ['@mixent/source'],
    external: ['@tensorflow/*'],
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(metafile.inputs);
}
