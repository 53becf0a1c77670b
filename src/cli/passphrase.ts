import { readFileSync } from 'node:fs';
import type { Options } from 'yargs';
import { EXIT } from '../config/fail-with-sentence.js';
import { CliError } from './cli-error.js';

/** The ways to hand a command a room passphrase, safest first; with none, the command asks (hidden). */
export const passphraseOptions = {
  'passphrase-file': {
    type: 'string',
    describe: 'read the passphrase of a private room from this file (its first line)',
  },
  passphrase: {
    type: 'string',
    describe: 'the passphrase itself: visible to every user of this machine (ps); prefer --passphrase-file or THISCORD_PASSPHRASE',
  },
} as const satisfies Record<string, Options>;

export interface PassphraseArgs {
  passphrase?: string | undefined;
  passphraseFile?: string | undefined;
}

/**
 * The passphrase from --passphrase-file, --passphrase (with a warning: the command line is public)
 * or THISCORD_PASSPHRASE, in that order; undefined when none is given.
 */
export function passphraseFrom(
  args: PassphraseArgs,
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): string | undefined {
  if (args.passphraseFile !== undefined && args.passphrase !== undefined) {
    throw new CliError('give --passphrase-file or --passphrase, not both', EXIT.usage);
  }
  if (args.passphraseFile !== undefined) return readPassphraseFile(args.passphraseFile);
  if (args.passphrase !== undefined) {
    warn(
      'warning: a passphrase on the command line can be read by every user of this machine (ps, shell history); ' +
        'use --passphrase-file or THISCORD_PASSPHRASE, or leave it out to be asked',
    );
    return args.passphrase;
  }
  const fromEnv = env.THISCORD_PASSPHRASE;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

function readPassphraseFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --passphrase-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const first = text.split(/\r?\n/)[0] ?? '';
  if (first === '') throw new CliError(`--passphrase-file ${file} is empty; put the passphrase on its first line`);
  return first;
}
