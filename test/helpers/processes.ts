import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll } from 'vitest';
import { commonConfigToEnv, type LogLevel } from '../../src/config/options.js';
import { CLI_ENTRY, serviceEntry } from '../../src/stack/entry-points.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { waitFor } from './wait.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** What `npm run build` bundles, as users run it: the `thiscord` command and each service's entry. */
export const CLI = CLI_ENTRY;
export { serviceEntry };

/** One parsed JSON log record, or the raw line when it is not JSON. */
export type LogLine = Record<string, unknown> & { raw: string };

/** A child process under test: its output, collected line by line, and ways to wait on it. */
export class TestProcess {
  readonly lines: LogLine[] = [];
  readonly stderrLines: string[] = [];
  exit: { code: number | undefined; signal: string | undefined } | null = null;
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ResultPromise,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    let pending = '';
    child.stdout?.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const raw of parts) this.lines.push(parseLine(raw));
    });
    let pendingErr = '';
    child.stderr?.on('data', (chunk: string) => {
      pendingErr += chunk;
      const parts = pendingErr.split('\n');
      pendingErr = parts.pop() ?? '';
      this.stderrLines.push(...parts);
    });
    this.exited = child.then(
      (result) => void (this.exit = { code: result.exitCode, signal: result.signal }),
      (error: { exitCode?: number; signal?: string }) => void (this.exit = { code: error.exitCode, signal: error.signal }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get output(): string {
    return [...this.lines.map((line) => line.raw), ...this.stderrLines].join('\n');
  }

  /** Waits for a stdout line (parsed when JSON) that satisfies `match`. */
  waitForLine(what: string, match: (line: LogLine) => boolean, timeoutMs = 10_000, from = 0): Promise<LogLine> {
    return waitFor(
      `${this.name}: ${what}\n--- output so far ---\n${this.output.slice(-3000)}`,
      () => {
        if (this.exit && !this.lines.slice(from).some(match))
          throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before ${what}\n${this.output.slice(-3000)}`);
        return this.lines.slice(from).find(match);
      },
      { timeoutMs },
    );
  }

  async waitForExit(timeoutMs = 10_000): Promise<{ code: number | undefined; signal: string | undefined }> {
    await waitFor(`${this.name} to exit`, () => this.exit !== null, { timeoutMs });
    return this.exit!;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.exit) this.child.kill(signal);
  }
}

function parseLine(raw: string): LogLine {
  if (raw.startsWith('{')) {
    try {
      return { ...(JSON.parse(raw) as Record<string, unknown>), raw };
    } catch {
      // not JSON after all: keep it raw
    }
  }
  return { raw };
}

const started = new Set<TestProcess>();

/** Starts a process that is killed after the test file, whatever happens. */
export function startProcess(
  name: string,
  file: string,
  args: string[] = [],
  env: Record<string, string> = {},
  options: { ipc?: boolean; input?: boolean } = {},
): TestProcess {
  const child = execa('node', [file, ...args], {
    env: { ...env, FORCE_COLOR: '0' },
    extendEnv: true,
    reject: false,
    buffer: false,
    stdin: options.input ? 'pipe' : 'ignore',
    ipc: options.ipc ?? false,
    cleanup: true,
    // A signal a test sends is the one it means: execa would otherwise follow it with SIGKILL after 5 s.
    forceKillAfterDelay: false,
    cwd: ROOT,
  });
  const proc = new TestProcess(name, child);
  started.add(proc);
  void proc.exited.then(() => started.delete(proc));
  return proc;
}

afterAll(async () => {
  for (const proc of started) proc.kill('SIGKILL');
  await Promise.all([...started].map((proc) => proc.exited));
});

/** Ports and a data dir of one test stack, never the defaults, so tests and a running stack coexist. */
export interface StackEnv {
  hubPort: number;
  ircPort: number;
  webPort: number;
  roomsPort: number;
  brokerPullPort: number;
  brokerPubPort: number;
  dataDir: string;
  env: Record<string, string>;
  cleanup(): void;
}

export async function makeStackEnv(options: { logLevel?: LogLevel } = {}): Promise<StackEnv> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-test-'));
  const config = await loopbackStackConfig(dataDir, options.logLevel);
  return {
    hubPort: config.hubPort,
    ircPort: config.ircPort,
    webPort: config.webPort,
    roomsPort: config.roomsPort,
    brokerPullPort: config.brokerPullPort,
    brokerPubPort: config.brokerPubPort,
    dataDir,
    env: commonConfigToEnv(config),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** Starts `dist/bundle/<name>.js` with the stack's env and waits for its `ready` log record. */
export async function startService(
  name: 'broker' | 'rooms' | 'hub' | 'irc' | 'web',
  stack: StackEnv,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<TestProcess> {
  const proc = startProcess(name, serviceEntry(name), args, { ...stack.env, ...env });
  await proc.waitForLine('ready', (line) => line.ready === true);
  return proc;
}

/**
 * The services chat needs, in the order they need each other: a broker (without stats), the room
 * service and a hub started with `hubArgs` and `hubEnv`, which it resolves with.
 */
export async function startChatServices(
  stack: StackEnv,
  hubArgs: string[] = [],
  hubEnv: Record<string, string> = {},
): Promise<TestProcess> {
  await startService('broker', stack, ['--stats-interval', '0']);
  await startService('rooms', stack);
  return startService('hub', stack, hubArgs, hubEnv);
}

/** Runs the thiscord CLI to completion. */
export async function runCli(args: string[], env: Record<string, string>, options: { input?: string; timeoutMs?: number } = {}) {
  return execa('node', [CLI, ...args], {
    env: { ...env, FORCE_COLOR: '0' },
    reject: false,
    input: options.input,
    timeout: options.timeoutMs ?? 15_000,
    cwd: ROOT,
  });
}
