// A static file server for pages that must come over HTTP (module workers do not load from a
// file:// page): the threads demo page and the Angular CLI app's build.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};

/** A running server: its base URL (ending in `/`) and what stops it. */
export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the files of `dir` on a free local port; with `isolated`, with the COOP and COEP headers
 * that make the page and its workers cross-origin isolated. `/` is `index.html`.
 */
export async function serveFolder(dir: string, isolated: boolean): Promise<Served> {
  const server = createServer((req, res) => {
    if (isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    try {
      const body = readFileSync(join(dir, path));
      res.setHeader('Content-Type', TYPES[extname(path)] ?? 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
