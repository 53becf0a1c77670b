import { closest } from '../text/did-you-mean.js';

/** Exit codes of every command (README, "Configuration"): 1 when the work failed, 2 when the command line was wrong. */
export const EXIT = { failed: 1, usage: 2 } as const;

/**
 * Errors whose message is written for a person (a bad flag, an unreachable service, a fault from the
 * room service) carry `userFacing: true`; anything else is a bug and keeps its stack trace.
 */
export function isUserFacing(error: unknown): error is Error {
  return error instanceof Error && (error as { userFacing?: unknown }).userFacing === true;
}

/** What the command line offers where a mistake was made: for "did you mean". */
export interface KnownWords {
  flags(): string[];
}

/**
 * yargs `.fail` handler shared by the CLI and the standalone service entries: a bad flag or a
 * user-facing error prints one line naming the fix and exits non-zero; a bug keeps its stack trace.
 */
export function failWithSentence(program: string, known?: KnownWords, argv: readonly string[] = process.argv.slice(2)) {
  // yargs reports a mistyped command twice: first its own "Did you mean rooms?", then "Unknown argument: romos".
  let commandHint: string | undefined;
  return (message: string | undefined, error: Error | undefined): void => {
    // yargs wraps errors thrown by option parsers (our ConfigError) in its own YError.
    const usage = !error || error.name === 'YError' || error.name === 'ConfigError';
    if (error && !usage && !isUserFacing(error)) throw error;
    const hint = /^Did you mean (\S+)\?$/.exec(message ?? '')?.[1];
    if (hint !== undefined && !error) {
      commandHint = hint;
      return;
    }
    const unknown = /^Unknown arguments?: (.*)$/.exec(message ?? '')?.[1];
    const sentence = error?.message ?? (unknown !== undefined ? unknownWords(unknown.split(', '), argv, known, commandHint) : message);
    process.stderr.write(`${program}: ${sentence}\n`);
    if (!error) process.stderr.write(`run "${program} --help" for usage\n`);
    process.exit(usage ? EXIT.usage : ((error as { exitCode?: number }).exitCode ?? EXIT.failed));
  };
}

/** "unknown flag --hubport; did you mean --hub-port?" for what yargs did not recognise. */
function unknownWords(words: string[], argv: readonly string[], known: KnownWords | undefined, commandHint: string | undefined): string {
  // yargs lists a mistyped --hub-prot twice, as hub-prot and hubProt.
  const kebab = words.filter((word) => !words.some((other) => other !== word && other.includes('-') && camel(other) === word));
  const isFlag = (word: string): boolean => argv.some((arg) => arg === `--${word}` || arg.startsWith(`--${word}=`) || arg === `-${word}`);
  const sentences = kebab.filter(isFlag).map((word) => {
    const guess = closest(word, known?.flags() ?? []);
    return `unknown flag ${word.length === 1 ? '-' : '--'}${word}${guess ? `; did you mean --${guess}?` : ''}`;
  });
  const [first, ...rest] = kebab.filter((word) => !isFlag(word));
  // After a mistyped command the other words are its arguments, not mistakes of their own.
  if (first !== undefined && commandHint) sentences.unshift(`unknown command "${first}"; did you mean ${commandHint}?`);
  else if (first !== undefined) sentences.unshift(`unexpected ${[first, ...rest].map((word) => `"${word}"`).join(', ')}`);
  return sentences.join('; ');
}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
