import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plugin, defaultClientConditions, defineConfig } from 'vite';
import type { SampleManifest } from '@mixent/data';
import { isNodeBuiltin, isNodeOnlyFile } from '../../tools/browser-bundle.js';

/** The embedded sample of @mixent/data, which the app loads by URL from `sample/`. */
const SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.resolve('@mixent/data/package.json'))), 'sample');
/** The manifest and the files it lists. */
const SAMPLE_FILES = [
  'manifest.json',
  ...Object.values((JSON.parse(readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8')) as SampleManifest).splits).flatMap(
    ({ images, labels }) => [images.file, labels.file],
  ),
];

/** Serves the sample under `sample/` in development and writes it there in the build, byte for byte. */
function embeddedSample(): Plugin {
  return {
    name: 'mixent-embedded-sample',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const name = request.url?.split('?')[0]?.replace(/^.*\/sample\//, '');
        if (!request.url?.includes('/sample/') || !name || !SAMPLE_FILES.includes(name)) return next();
        response.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        createReadStream(join(SAMPLE_DIR, name)).pipe(response);
      });
    },
    generateBundle() {
      for (const name of SAMPLE_FILES)
        this.emitFile({ type: 'asset', fileName: `sample/${name}`, source: readFileSync(join(SAMPLE_DIR, name)) });
    },
  };
}

/**
 * Fails the build when the app's code, or a workspace package it bundles, imports a Node built-in, or when a file
 * of a Node-only package is reached. Built-ins that tfjs' and seedrandom's own Node branches name (in
 * node_modules, mapped away by their `browser` fields or never run in a browser) are theirs to guard.
 */
function noNodeImports(): Plugin {
  return {
    name: 'mixent-no-node-imports',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (importer === undefined || importer.includes('/node_modules/')) return null;
      if (isNodeBuiltin(source)) this.error(`${importer} imports the Node built-in ${source}, which browsers do not have`);
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      if (resolved && isNodeOnlyFile(resolved.id)) this.error(`${importer} reaches ${resolved.id}, which only runs in Node`);
      return resolved;
    },
  };
}

/** Cross-origin isolation, so that the wasm backend may run its threads (SharedArrayBuffer). */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // Relative, so that dist/ works from any folder of any static host.
  base: './',
  // The workspace packages from their TypeScript sources, their browser entries first.
  resolve: { conditions: ['@mixent/source', ...defaultClientConditions] },
  plugins: [noNodeImports(), embeddedSample()],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  // Pre-bundled at start, so that the first page load does not discover them one by one (each a reload).
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
    ],
  },
});
