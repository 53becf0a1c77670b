import { EXIT } from '../config/fail-with-sentence.js';

/** A failure the CLI reports as one plain sentence and a non-zero exit, without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  readonly userFacing = true;
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}
