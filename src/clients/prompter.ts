import { CliError } from '../cli/cli-error.js';
import { LineInput } from './line-input.js';

/** Asks questions on a LineInput: plain, secret (never echoed, never in the history) or until valid. */
export class Prompter {
  constructor(private readonly input: LineInput) {}

  line(question: string): Promise<string> {
    return this.input.ask(question);
  }

  secret(question: string): Promise<string> {
    return this.input.ask(question, true);
  }

  /** Asks until the answer passes `valid` (5 tries at most), explaining the rule after each miss. */
  async ask(question: string, valid: (answer: string) => boolean, rule: string): Promise<string> {
    for (let tries = 0; tries < 5; tries++) {
      const answer = (await this.line(question)).trim();
      if (valid(answer)) return answer;
      this.input.echo.terminal.write(`${rule}\n`);
    }
    throw new CliError('no valid answer after 5 tries');
  }
}

/** One hidden question on the terminal (or one line of piped input), for commands that otherwise ask nothing. */
export async function askSecret(question: string): Promise<string> {
  const input = new LineInput();
  try {
    const answer = await new Prompter(input).secret(question);
    if (answer === '') throw new CliError('no passphrase given');
    return answer;
  } finally {
    input.close();
  }
}
