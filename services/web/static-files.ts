import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../../src/runtime/startup-error.js';
import { PACKAGE_ROOT } from '../../src/stack/entry-points.js';

export interface StaticFile {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/** Hand-written files: the page and its stylesheet. */
export const PUBLIC_DIR = path.join(PACKAGE_ROOT, 'services/web/public');
/** The client as tsc emits it (services/web/client/tsconfig.json): only modules the page imports. */
export const CLIENT_DIR = path.join(PACKAGE_ROOT, 'dist/web-client');
/** URL prefix of the client's modules; relative imports between them resolve under it. */
export const CLIENT_PREFIX = '/app/';

/**
 * Every file the web service serves, read once at start-up into memory (a few dozen kilobytes).
 * Requests are looked up by exact path, so no request path ever reaches the file system.
 */
export function loadStaticFiles(): Map<string, StaticFile> {
  if (!existsSync(path.join(CLIENT_DIR, 'services/web/client/main.js')))
    throw new StartupError(`the web client is not built (${CLIENT_DIR} is missing); run "npm run build"`, 'ENOENT');
  const files = new Map<string, StaticFile>();
  for (const file of walk(PUBLIC_DIR)) files.set(`/${path.relative(PUBLIC_DIR, file)}`, read(file));
  for (const file of walk(CLIENT_DIR).filter((name) => name.endsWith('.js')))
    files.set(`${CLIENT_PREFIX}${path.relative(CLIENT_DIR, file).split(path.sep).join('/')}`, read(file));
  return files;
}

function read(file: string): StaticFile {
  return { body: readFileSync(file), type: TYPES[path.extname(file)] ?? 'application/octet-stream' };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
