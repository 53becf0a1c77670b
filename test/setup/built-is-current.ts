import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tests import clients and shared definitions from the TypeScript sources, while the processes
 * they start run the build: tsc's dist/ and esbuild's dist/bundle/. If the two differ, a test
 * compares one version of the code with another. So the suite refuses to run on a stale build:
 * every compiled source must have a dist/ file at least as new as itself, and the bundles must be
 * newer than every source they are made of.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COMPILED = ['src', 'services', 'bench', 'support'];
/** The browser client is built apart (services/web/client/tsconfig.json), into its own folder. */
const BROWSER_CLIENT = `services${path.sep}web${path.sep}client${path.sep}`;

/** What `npm run bundle` writes: the `thiscord` command and one entry per service. */
const BUNDLED = ['src', 'services'];
const BUNDLE_DIR = path.join('dist', 'bundle');

const builtPath = (root: string, relative: string): string =>
  path.join(root, 'dist', relative.startsWith(BROWSER_CLIENT) ? 'web-client' : '', relative.replace(/\.ts$/, '.js'));

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/** When the oldest bundle entry was written, or undefined when there is none. */
function bundledAt(root: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync(path.join(root, BUNDLE_DIR)).filter((name) => name.endsWith('.js'));
  } catch {
    return undefined;
  }
  if (entries.length === 0) return undefined;
  return Math.min(...entries.map((name) => statSync(path.join(root, BUNDLE_DIR, name)).mtimeMs));
}

/** Sources whose dist/ output or bundle is missing or older than they are, relative to the root. */
export function staleSources(root = ROOT): string[] {
  const stale: string[] = [];
  const bundled = bundledAt(root);
  if (bundled === undefined) stale.push(`${BUNDLE_DIR} (not bundled)`);
  for (const top of COMPILED) {
    for (const source of sourcesUnder(path.join(root, top))) {
      const relative = path.relative(root, source);
      const built = builtPath(root, relative);
      let builtAt: number;
      try {
        builtAt = statSync(built).mtimeMs;
      } catch {
        stale.push(`${relative} (not built)`);
        continue;
      }
      const changedAt = statSync(source).mtimeMs;
      if (changedAt > builtAt) stale.push(relative);
      else if (bundled !== undefined && BUNDLED.includes(top) && !relative.startsWith(BROWSER_CLIENT) && changedAt > bundled)
        stale.push(`${relative} (not bundled)`);
    }
  }
  return stale;
}

export default function setup(): void {
  const stale = staleSources();
  if (stale.length > 0) {
    const shown = stale.slice(0, 5).join(', ') + (stale.length > 5 ? ` and ${stale.length - 5} more` : '');
    throw new Error(`dist/ is older than the sources (${shown}); run npm run build, then the tests again`);
  }
}
