import { createReadStream, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

/** What the built app's files are served as; .gz files are data to inflate, not a transfer encoding. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/**
 * Serves a folder on 127.0.0.1 under a sub-path (`mount`, e.g. `/a/b/`), as a static host serves a site from a
 * folder of its own, with the cross-origin isolation headers that let the wasm backend run threads; resolves to
 * the folder's URL and the server.
 */
export async function serveFolder(root: string, mount: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const requested = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const path = normalize(`/${requested.slice(mount.length)}`);
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!requested.startsWith(mount) || !file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${mount}`, server };
}
