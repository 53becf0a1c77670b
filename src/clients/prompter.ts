import type { Interface } from 'node:readline';
import { CliError } from '../cli/cli-error.js';

/**
 * Asks questions on a readline interface. Lines are read through its iterator rather than
 * question(), so answers piped in ahead of their prompt are kept, and end of input is an error
 * that says so instead of a hang.
 */
export class Prompter {
  private readonly lines: AsyncIterator<string>;

  constructor(
    rl: Interface,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {
    this.lines = rl[Symbol.asyncIterator]();
  }

  async line(question: string): Promise<string> {
    this.output.write(question);
    const next = await this.lines.next();
    if (next.done) throw new CliError('input ended before every question was answered');
    return String(next.value);
  }

  /** Asks until the answer passes `valid` (5 tries at most), explaining the rule after each miss. */
  async ask(question: string, valid: (answer: string) => boolean, rule: string): Promise<string> {
    for (let tries = 0; tries < 5; tries++) {
      const answer = (await this.line(question)).trim();
      if (valid(answer)) return answer;
      this.output.write(`${rule}\n`);
    }
    throw new CliError('no valid answer after 5 tries');
  }
}
