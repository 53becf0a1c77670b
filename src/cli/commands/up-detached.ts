import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommonConfig } from '../../config/options.js';
import { CLI_ENTRY } from '../../stack/entry-points.js';
import { CliError } from '../cli-error.js';

/** Where a detached stack's log goes, and what of its stderr (a crash of the supervisor itself) is kept. */
export const detachedLogFile = (dataDir: string): string => path.join(dataDir, 'logs', 'thiscord.log');
const stderrFile = (dataDir: string): string => path.join(dataDir, 'logs', 'supervisor-stderr.log');

/** What the detached supervisor tells the `up --detach` that started it, over IPC. */
export type DetachedReport =
  | { type: 'thiscord.up'; banner: string; record: Record<string, unknown> }
  | { type: 'thiscord.failed'; message: string; details: string };

/**
 * `up --detach`: runs the same `up` as a background process in its own session (no terminal, so no
 * hang-up when this one closes), waits until it reports every service healthy, prints the banner
 * it sent, and exits. Its log goes to <data dir>/logs/ (rotated by size).
 */
export async function startDetached(config: CommonConfig, argv: readonly string[], pretty: boolean): Promise<void> {
  mkdirSync(path.dirname(stderrFile(config.dataDir)), { recursive: true, mode: 0o700 });
  const stderr = openSync(stderrFile(config.dataDir), 'a', 0o600);
  const args = argv.filter((arg) => !/^--(no-)?detach(=.*)?$/.test(arg));
  // The data dir goes by the environment: a flag added here would make a --data-dir of the user's a list.
  const child = spawn(process.execPath, [CLI_ENTRY, ...args, '--no-detach', '--detached-child'], {
    detached: true,
    stdio: ['ignore', 'ignore', stderr, 'ipc'],
    env: { ...process.env, THISCORD_LOG_FORMAT: 'json', THISCORD_DATA_DIR: config.dataDir },
  });
  closeSync(stderr);
  const report = await new Promise<DetachedReport | { type: 'exited'; code: number | null }>((resolve) => {
    child.once('message', (message) => resolve(message as DetachedReport));
    child.once('exit', (code) => resolve({ type: 'exited', code }));
  });
  if (report.type === 'thiscord.up') {
    process.stdout.write(pretty ? `${report.banner}\n` : `${JSON.stringify(report.record)}\n`);
    child.disconnect();
    child.unref();
    return;
  }
  if (report.type === 'thiscord.failed') throw new CliError(`${report.message}${report.details ? `\n${report.details}` : ''}`);
  const tail = readTail(stderrFile(config.dataDir));
  throw new CliError(
    `the detached stack exited (code ${report.code}) before it was up${tail ? `:\n${tail}` : ''}; see ${detachedLogFile(config.dataDir)}`,
  );
}

/** In the detached supervisor: tells the waiting `up --detach` how the start went, then lets it go. */
export function reportToStarter(report: DetachedReport): void {
  if (!process.send) return;
  process.send(report, () => process.disconnect());
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '';
  }
}
