import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  name?: string;
  version?: string;
}

/**
 * The package's directory and its package.json, found by walking up from this module: it runs from
 * src/ (tests), dist/src/ (tsc's output, which the benches import) or dist/bundle/chunks/ (what
 * runs as processes), so no path relative to it is fixed.
 */
function findPackage(): { root: string; manifest: Manifest } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
      if (manifest.name === 'thiscord') return { root: dir, manifest };
    } catch {
      // no package.json here: look one level up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json of thiscord above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

const found = findPackage();

/** The repository (or installed package) root: where package.json is. */
export const PACKAGE_ROOT = found.root;
export const PACKAGE_VERSION = found.manifest.version ?? 'unknown';

/**
 * `npm run build` bundles every program we start as a process (esbuild, see package.json's
 * `bundle` script): one entry file each, sharing chunks, so that a process loads a few files instead
 * of a few hundred modules (bench/supervisor/README.md: a third of the supervisor's start-up CPU).
 */
const BUNDLE_DIR = path.join(PACKAGE_ROOT, 'dist', 'bundle');

/** The `thiscord` command. */
export const CLI_ENTRY = path.join(BUNDLE_DIR, 'thiscord.js');

/** What the supervisor runs for the service `name`: `node dist/bundle/<name>.js`. */
export function serviceEntry(name: string): string {
  return path.join(BUNDLE_DIR, `${name}.js`);
}
