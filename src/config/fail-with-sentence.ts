/**
 * Errors whose message is written for a person (a bad flag, an unreachable service, a fault from the
 * room service) carry `userFacing: true`; anything else is a bug and keeps its stack trace.
 */
export function isUserFacing(error: unknown): error is Error {
  return error instanceof Error && (error as { userFacing?: unknown }).userFacing === true;
}

/**
 * yargs `.fail` handler shared by the CLI and the standalone service entries: a bad flag or a
 * user-facing error prints one line naming the fix and exits non-zero; a bug keeps its stack trace.
 */
export function failWithSentence(program: string) {
  return (message: string | undefined, error: Error | undefined): never => {
    // yargs wraps errors thrown by option parsers (our ConfigError) in its own YError.
    if (error && !isUserFacing(error) && (error as Error).name !== 'YError') throw error;
    process.stderr.write(`${program}: ${error?.message ?? message}\n`);
    if (!error) process.stderr.write(`run "${program} --help" for usage\n`);
    process.exit((error as { exitCode?: number } | undefined)?.exitCode ?? 2);
  };
}
