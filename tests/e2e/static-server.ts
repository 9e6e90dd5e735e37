/**
 * A plain static file server, as the cheapest host would be: files from a folder under a
 * sub-path (e.g. /hearth/), a content type by extension, no rewrites, no special headers.
 * `override` replaces one file's bytes, to stand in for a new deploy.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  /** The app's address, ending in the sub-path, e.g. http://127.0.0.1:40123/hearth/ */
  url: string;
  override(path: string, body: string | Buffer): void;
  close(): Promise<void>;
}

export async function serveStatic(root: string, subPath = '/'): Promise<StaticServer> {
  const overrides = new Map<string, string | Buffer>();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
    if (!path.startsWith(subPath)) {
      response.writeHead(404).end();
      return;
    }
    let file = normalize(`./${path.slice(subPath.length)}`).replace(/^(\.\.(\/|$))+/, '');
    if (file === '.' || file.endsWith('/')) file = `${file === '.' ? '' : file}index.html`;
    const replaced = overrides.get(file);
    const body = replaced !== undefined ? Promise.resolve(replaced) : readFile(join(root, file));
    body.then(
      (bytes) => response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(bytes),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${subPath}`,
    override: (path, body) => overrides.set(path, body),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
