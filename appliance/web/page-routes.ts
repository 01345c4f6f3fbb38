import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Nothing is fetched from elsewhere, no inline script runs, and no other site may frame the page. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export interface PageFile {
  type: string;
  body: Buffer;
  gzip: Buffer;
}

/** The page's folder, beside this module: in the source tree, and in dist/ where the build copies it. */
export function pageDir(): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'page');
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`the web page is missing from this release: no ${dir}/index.html`);
  return dir;
}

/** Every file of the page, read and compressed once at start: the page is a few files that never change at run time. */
export function loadPage(dir = pageDir()): Map<string, PageFile> {
  const files = new Map<string, PageFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    files.set(name, { type, body, gzip: gzipSync(body, { level: 9 }) });
  }
  return files;
}

export function pageRoutes(files: Map<string, PageFile>) {
  return async (app: FastifyInstance): Promise<void> => {
    const send = (name: string) => async (request: FastifyRequest, reply: FastifyReply) => {
      const file = files.get(name);
      if (!file) return reply.code(404).send('not found');
      const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      void reply.headers({ ...SECURITY_HEADERS, 'content-type': file.type, 'cache-control': 'no-cache', vary: 'accept-encoding' });
      if (gzip) void reply.header('content-encoding', 'gzip');
      return reply.send(gzip ? file.gzip : file.body);
    };
    app.get('/', send('index.html'));
    for (const name of files.keys()) app.get(`/${name}`, send(name));
  };
}
