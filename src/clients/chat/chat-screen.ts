import readline, { type Completer } from 'node:readline';
import { ME_ACTION } from '../../protocol/frames.js';
import { clockTime } from '../../text/readable.js';
import { LineInput } from '../line-input.js';
import { sanitizeForTerminal } from '../terminal-text.js';

const clock = (ts?: string): string => clockTime(ts ?? Date.now(), false);

/** Printed lines remembered so an acknowledgement can still find its line on screen. */
const TRACKED_LINES = 200;

const SGR = /\u001b\[[0-9;]*m/g;
const HIGHLIGHT = { on: '\u001b[1;7m', off: '\u001b[22;27m' };

interface PrintedLine {
  key: string;
  text: string;
}

/**
 * The chat client's terminal: one input line at the bottom, everything else printed above it
 * without disturbing what is being typed. Anything that came from another person passes through
 * sanitizeForTerminal first, so a message cannot move the cursor, clear the screen or set a title.
 */
export class ChatScreen {
  readonly input: LineInput;
  private readonly terminal: NodeJS.WriteStream;
  private readonly printed: PrintedLine[] = [];
  /** False while the start-up questions are asked: no input prompt may be drawn in front of them. */
  private prompting = false;
  private closed = false;
  private mention: RegExp | undefined;
  private readonly colour: boolean;

  constructor(completer?: Completer, input: NodeJS.ReadableStream = process.stdin, terminal: NodeJS.WriteStream = process.stdout) {
    this.input = new LineInput(input, terminal, completer);
    this.terminal = terminal;
    this.colour = Boolean(terminal.isTTY) && process.env.NO_COLOR === undefined;
    // Keep the terminal's own title to give it back on exit (xterm's title stack; ignored elsewhere).
    if (terminal.isTTY) terminal.write('\u001b[22;0t');
  }

  private get tty(): boolean {
    return Boolean(this.terminal.isTTY);
  }

  /** Lines typed into the chat (not answers to questions); each one's echo is taken off the screen. */
  onLine(handler: (line: string) => void): void {
    this.input.onLine((line) => {
      if (this.tty && this.prompting) {
        // readline has moved below the echoed prompt and line: take them away, the message is shown as its own line.
        const rows = Math.floor((visibleLength(this.input.rl.getPrompt()) + visibleLength(line)) / this.columns) + 1;
        readline.moveCursor(this.terminal, 0, -rows);
        readline.cursorTo(this.terminal, 0);
        readline.clearScreenDown(this.terminal);
      }
      handler(line);
    });
  }

  /** Whose name is highlighted when someone mentions it. */
  highlightName(name: string): void {
    this.mention = new RegExp(`(?<![\\p{L}\\p{N}_-])${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(?![\\p{L}\\p{N}_-])`, 'giu');
  }

  /** The window title names the room lines go to. */
  setTitle(user: string, room: string | undefined): void {
    if (this.tty && !this.closed) this.terminal.write(`\u001b]2;${room ? `${room} · ` : ''}thiscord (${user})\u0007`);
  }

  setPrompt(room: string | undefined, status: string): void {
    if (this.closed) return;
    const where = room ? `[${room}]` : '[no room]';
    this.input.rl.setPrompt(`${status ? `(${status}) ` : ''}${where} > `);
    this.prompting = true;
    this.input.rl.prompt(true);
  }

  /** Prints a line above the input line; `key` lets a later mark() find it. */
  print(text: string, key = ''): void {
    if (this.closed) return;
    if (this.tty) {
      readline.cursorTo(this.terminal, 0);
      readline.clearScreenDown(this.terminal);
    }
    this.terminal.write(`${text}\n`);
    this.printed.push({ key, text });
    if (this.printed.length > TRACKED_LINES) this.printed.shift();
    this.redrawInput();
  }

  /**
   * Adds a mark (✓ when acknowledged) to the end of a printed line, in place while that line is
   * still on screen and keeps its height; otherwise says so on a line of its own.
   */
  mark(key: string, mark: string, note: string): void {
    const index = this.printed.findLastIndex((line) => line.key === key);
    const line = this.printed[index];
    if (this.tty && line && !this.closed) {
      const marked = `${line.text} ${mark}`;
      const rowsOf = (text: string): number => Math.floor(Math.max(0, visibleLength(text) - 1) / this.columns) + 1;
      const up = this.printed.slice(index).reduce((sum, below) => sum + rowsOf(below.text), 0) + this.input.rl.getCursorPos().rows;
      if (rowsOf(marked) === rowsOf(line.text) && up < (this.terminal.rows ?? 24)) {
        this.terminal.write('\u001b7');
        readline.moveCursor(this.terminal, 0, -up);
        readline.cursorTo(this.terminal, 0);
        this.terminal.write(marked);
        this.terminal.write('\u001b8');
        line.text = marked;
        return;
      }
    }
    this.print(`${mark} ${note}`);
  }

  /** A message; `/me waves` from bob reads `* bob waves`; the reader's name stands out. */
  message(room: string, from: string, text: string, ts: string): void {
    const body = text.startsWith(ME_ACTION)
      ? `* ${sanitizeForTerminal(from)} ${this.highlight(sanitizeForTerminal(text.slice(ME_ACTION.length)))}`
      : `${sanitizeForTerminal(from)}: ${this.highlight(sanitizeForTerminal(text))}`;
    this.print(`${clock(ts)} ${sanitizeForTerminal(room)} ${body}`);
  }

  /** The user's own message, shown once; mark() adds its ✓ when the hub acknowledges it. */
  outgoing(key: string, room: string, text: string): void {
    this.print(`${clock()} ${room} you: ${sanitizeForTerminal(text)}`, key);
  }

  info(text: string): void {
    this.print(`-- ${sanitizeForTerminal(text)}`);
  }

  /** Leaves the terminal as it found it: no prompt left behind, the old title back. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.tty) {
      readline.cursorTo(this.terminal, 0);
      readline.clearScreenDown(this.terminal);
      this.terminal.write('\u001b[23;0t');
    } else if (this.prompting) {
      this.terminal.write('\n');
    }
    this.input.close();
  }

  private get columns(): number {
    return this.terminal.columns || 80;
  }

  private highlight(text: string): string {
    if (!this.colour || !this.mention) return text;
    return text.replace(this.mention, (name) => `${HIGHLIGHT.on}${name}${HIGHLIGHT.off}`);
  }

  private redrawInput(): void {
    const question = this.input.pending;
    if (question) this.terminal.write(question.hidden ? question.text : `${question.text}${this.input.rl.line}`);
    else if (this.prompting) this.input.rl.prompt(true);
  }
}

function visibleLength(text: string): number {
  return [...text.replace(SGR, '')].length;
}
