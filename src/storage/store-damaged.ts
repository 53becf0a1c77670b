import { StartupError } from '../runtime/startup-error.js';
import type { StoreProblem } from './store-scan.js';

/**
 * The room store is damaged: the service refuses to start on it, and has changed nothing. The
 * message names the file, the offset and the choices.
 */
export class StoreDamagedError extends StartupError {
  override name = 'StoreDamagedError';
  constructor(
    readonly dataDir: string,
    readonly problems: StoreProblem[],
  ) {
    super(describeDamage(dataDir, problems), 'store_damaged');
  }
}

export function describeProblem(dataDir: string, problem: StoreProblem): string {
  const where = problem.line === undefined ? `byte ${problem.offset}` : `byte ${problem.offset}, line ${problem.line}`;
  return `${dataDir}/${problem.file} ${problem.what} (at ${where})`;
}

function describeDamage(dataDir: string, problems: StoreProblem[]): string {
  const [first] = problems;
  const more =
    problems.length > 1 ? ` ${problems.length - 1} more problem(s): \`thiscord rooms fsck --data-dir ${dataDir}\` lists them all.` : '';
  return (
    `the room store is damaged, so the room service will not start: ${describeProblem(dataDir, first!)}.${more} ` +
    `Nothing was changed. Choose: put back a file you moved away; or restore a backup with ` +
    `\`thiscord rooms restore FILE --data-dir ${dataDir}\`; or run \`thiscord rooms fsck --repair --data-dir ${dataDir}\`, ` +
    'which keeps a copy of the original files, rebuilds from everything that checks out and says exactly what is lost.'
  );
}
