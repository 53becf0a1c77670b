import readline from 'node:readline';
import { ME_ACTION } from '../../protocol/frames.js';
import { clockTime } from '../../text/readable.js';
import { sanitizeForTerminal } from '../terminal-text.js';

const clock = (ts?: string): string => clockTime(ts ?? Date.now(), false);

/**
 * The chat client's terminal: one input line at the bottom, everything else printed above it
 * without disturbing what is being typed. Anything that came from another person passes through
 * sanitizeForTerminal first, so a message cannot move the cursor, clear the screen or set a title.
 */
export class ChatScreen {
  readonly rl: readline.Interface;
  private lastLine: { key: string; text: string } | null = null;
  /** False while the start-up questions are asked: no input prompt may be drawn in front of them. */
  private prompting = false;

  constructor(
    input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WriteStream = process.stdout,
  ) {
    this.rl = readline.createInterface({ input, output, terminal: Boolean(output.isTTY), historySize: 100 });
  }

  setPrompt(room: string | undefined, status: string): void {
    const where = room ? `[${room}]` : '[no room]';
    this.rl.setPrompt(`${status ? `(${status}) ` : ''}${where} > `);
    this.prompting = true;
    this.rl.prompt(true);
  }

  /** Prints a line above the input line; `key` lets a later mark() rewrite it in place. */
  print(text: string, key = ''): void {
    if (this.output.isTTY) {
      readline.cursorTo(this.output, 0);
      readline.clearLine(this.output, 0);
    }
    this.output.write(`${text}\n`);
    this.lastLine = { key, text };
    if (this.prompting) this.rl.prompt(true);
  }

  /** Marks a printed line (e.g. acknowledged): in place if it is still the last one, else as a short note. */
  mark(key: string, mark: string, note: string): void {
    const width = this.output.columns ?? 80;
    if (this.output.isTTY && this.lastLine?.key === key && this.lastLine.text.length + mark.length < width) {
      readline.moveCursor(this.output, 0, -1);
      this.print(`${this.lastLine.text.replace(/ …$/, '')} ${mark}`, key);
    } else {
      this.print(`${mark} ${note}`);
    }
  }

  /** A message; `/me waves` from bob reads `* bob waves`. */
  message(room: string, from: string, text: string, ts: string): void {
    const body = text.startsWith(ME_ACTION)
      ? `* ${sanitizeForTerminal(from)} ${sanitizeForTerminal(text.slice(ME_ACTION.length))}`
      : `${sanitizeForTerminal(from)}: ${sanitizeForTerminal(text)}`;
    this.print(`${clock(ts)} ${sanitizeForTerminal(room)} ${body}`);
  }

  /** The user's own message, shown at once and marked pending (…) until the hub acknowledges it. */
  outgoing(key: string, room: string, text: string): void {
    this.print(`${clock()} ${room} you: ${sanitizeForTerminal(text)} …`, key);
  }

  info(text: string): void {
    this.print(`-- ${sanitizeForTerminal(text)}`);
  }

  close(): void {
    this.rl.close();
  }
}
