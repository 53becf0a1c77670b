import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tests import clients and shared definitions from the TypeScript sources, while the processes
 * they start run the build in dist/. If the two differ, a test compares one version of the code
 * with another. So the suite refuses to run on a stale build: every compiled source must have a
 * dist/ file at least as new as itself.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COMPILED = ['src', 'services', 'bench', 'support'];
/** The browser client is built apart (services/web/client/tsconfig.json), into its own folder. */
const BROWSER_CLIENT = `services${path.sep}web${path.sep}client${path.sep}`;

const builtPath = (root: string, relative: string): string =>
  path.join(root, 'dist', relative.startsWith(BROWSER_CLIENT) ? 'web-client' : '', relative.replace(/\.ts$/, '.js'));

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/** Sources whose dist/ output is missing or older than they are, relative to the root. */
export function staleSources(root = ROOT): string[] {
  const stale: string[] = [];
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
      if (statSync(source).mtimeMs > builtAt) stale.push(relative);
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
