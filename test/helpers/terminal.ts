import { execa, execaSync } from 'execa';
import { afterAll } from 'vitest';
import { requireTool } from './requirements.js';
import { waitFor } from './wait.js';

/**
 * A real terminal for a client under test: a tmux session on a private server socket, typed into
 * with send-keys and read with capture-pane, as a person would see it.
 */
export class Terminal {
  private static servers = new Set<string>();

  private constructor(
    readonly socket: string,
    readonly name: string,
  ) {}

  static ensureTmux(): void {
    requireTool('tmux');
  }

  static async open(name: string, command: string[], env: Record<string, string>, size = { columns: 120, rows: 40 }): Promise<Terminal> {
    Terminal.ensureTmux();
    const socket = `thiscord-test-${process.pid}`;
    Terminal.servers.add(socket);
    const envArgs = Object.entries({ ...env, FORCE_COLOR: '0', TERM: 'xterm-256color' }).map(([key, value]) => `${key}=${value}`);
    await execa('tmux', [
      '-L',
      socket,
      // Set before the program starts: one that exits at once would otherwise take its pane (and exit status) with it.
      'start-server',
      ';',
      'set-option',
      '-g',
      'remain-on-exit',
      'on',
      ';',
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      'env',
      ...envArgs,
      ...command,
    ]);
    return new Terminal(socket, name);
  }

  async type(text: string): Promise<void> {
    await execa('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, '-l', text]);
    await execa('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, 'Enter']);
  }

  async screen(): Promise<string> {
    return (await execa('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', this.name])).stdout;
  }

  /** The screen with its colours and attributes, as SGR escape sequences. */
  async screenWithAttributes(): Promise<string> {
    return (await execa('tmux', ['-L', this.socket, 'capture-pane', '-p', '-e', '-t', this.name])).stdout;
  }

  /** Presses keys by tmux name (Tab, Up, C-c), without Enter. */
  async press(...keys: string[]): Promise<void> {
    await execa('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, ...keys]);
  }

  /** Types text without pressing Enter. */
  async typePartly(text: string): Promise<void> {
    await execa('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, '-l', text]);
  }

  /** The line the cursor is on: what is being typed, after the prompt (tmux drops trailing spaces). */
  async inputLine(): Promise<string> {
    const cursorRow = Number((await execa('tmux', ['-L', this.socket, 'display-message', '-p', '-t', this.name, '#{cursor_y}'])).stdout);
    return (await this.screen()).split('\n')[cursorRow] ?? '';
  }

  /** Whether the program has ended (the pane stays, remain-on-exit), known before tmux may have collected how. */
  async hasEnded(): Promise<boolean> {
    return (await execa('tmux', ['-L', this.socket, 'display-message', '-p', '-t', this.name, '#{pane_dead}'])).stdout === '1';
  }

  /** How the program ended once it has (the pane stays, remain-on-exit): its exit code, or the signal's name; else undefined. */
  async exitStatus(): Promise<number | string | undefined> {
    const [dead, status, signal] = (
      await execa('tmux', [
        '-L',
        this.socket,
        'display-message',
        '-p',
        '-t',
        this.name,
        '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}',
      ])
    ).stdout.split('|');
    // tmux may mark a pane dead a moment before it has collected how the program ended.
    if (dead !== '1' || (!status && !signal)) return undefined;
    return status ? Number(status) : `signal ${signal}`;
  }

  async title(): Promise<string> {
    return (await execa('tmux', ['-L', this.socket, 'display-message', '-p', '-t', this.name, '#{pane_title}'])).stdout;
  }

  async waitForText(text: string | RegExp, timeoutMs = 10_000): Promise<string> {
    let last = '';
    try {
      return await waitFor(
        `"${String(text)}" on the ${this.name} terminal`,
        async () => {
          last = await this.screen();
          return (typeof text === 'string' ? last.includes(text) : text.test(last)) ? last : undefined;
        },
        { timeoutMs, intervalMs: 50 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- screen ---\n${last}`);
    }
  }

  static killAll(): void {
    for (const socket of Terminal.servers) {
      try {
        execaSync('tmux', ['-L', socket, 'kill-server']);
      } catch {
        // already gone
      }
    }
    Terminal.servers.clear();
  }
}

afterAll(() => Terminal.killAll());
