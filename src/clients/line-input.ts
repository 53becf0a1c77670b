import readline, { type Completer } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError } from '../cli/cli-error.js';

/**
 * What readline echoes goes through here, so the echo can be switched off while a secret is typed.
 * Writes pass straight through (no buffering), keeping their order with direct writes to the terminal.
 */
export class EchoControl extends Writable {
  muted = false;

  constructor(readonly terminal: NodeJS.WriteStream) {
    super();
    terminal.on('resize', () => this.emit('resize'));
  }

  get isTTY(): boolean {
    return Boolean(this.terminal.isTTY);
  }

  get columns(): number {
    return this.terminal.columns ?? 80;
  }

  get rows(): number {
    return this.terminal.rows ?? 24;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (!this.muted) this.terminal.write(chunk);
    done();
  }
}

/** Lines typed ahead of their question (piped input) wait here, up to this many. */
const MAX_EARLY_LINES = 100;

interface Question {
  text: string;
  hidden: boolean;
  resolve(answer: string): void;
  reject(error: Error): void;
}

/**
 * One readline over the terminal, shared by questions (answered by the next line, optionally
 * without echo and kept out of the history) and a handler for every other line.
 */
export class LineInput {
  readonly rl: readline.Interface;
  readonly echo: EchoControl;
  private question: Question | undefined;
  private handler: ((line: string) => void) | undefined;
  private readonly early: string[] = [];
  private ended = false;

  constructor(input: NodeJS.ReadableStream = process.stdin, terminal: NodeJS.WriteStream = process.stdout, completer?: Completer) {
    this.echo = new EchoControl(terminal);
    this.rl = readline.createInterface({
      input,
      output: this.echo,
      terminal: Boolean(terminal.isTTY),
      historySize: 100,
      ...(completer ? { completer } : {}),
    });
    // readline hands its own history array to this event before the line event: a secret leaves it here.
    this.rl.on('history', (history) => {
      if (this.question?.hidden) history.shift();
    });
    this.rl.on('line', (line) => this.dispatch(line));
    this.rl.on('close', () => {
      this.ended = true;
      this.question?.reject(new CliError('input ended before every question was answered'));
      this.question = undefined;
    });
  }

  /** The question waiting for its answer, to be shown again when something is printed over it. */
  get pending(): { text: string; hidden: boolean } | undefined {
    return this.question;
  }

  /** Every line that answers no question goes to `handler` from now on. */
  onLine(handler: (line: string) => void): void {
    this.handler = handler;
  }

  /** Writes `text` and resolves with the next line; `hidden`: nothing typed is shown. */
  ask(text: string, hidden = false): Promise<string> {
    const waiting = this.early.shift();
    this.echo.terminal.write(text);
    if (waiting !== undefined) return Promise.resolve(waiting);
    if (this.ended) return Promise.reject(new CliError('input ended before every question was answered'));
    return new Promise<string>((resolve, reject) => {
      this.echo.muted = hidden;
      this.question = { text, hidden, resolve, reject };
    });
  }

  close(): void {
    this.rl.close();
  }

  private dispatch(line: string): void {
    const question = this.question;
    if (question) {
      this.question = undefined;
      if (question.hidden) {
        this.echo.muted = false;
        // The Enter that ended the secret was not echoed either.
        if (this.echo.isTTY) this.echo.terminal.write('\n');
      }
      question.resolve(line);
    } else if (this.handler) {
      this.handler(line);
    } else if (this.early.length < MAX_EARLY_LINES) {
      this.early.push(line);
    }
  }
}
