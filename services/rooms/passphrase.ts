import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { PassphraseHash } from './room-directory.js';
import { ScryptPool } from './scrypt-pool.js';

const KEY_BYTES = 32;

/** One worker: a guess costs ~25 ms of one core, and the journal needs the other. */
let pool = new ScryptPool(1, 64);

/** Sets how much passphrase work may run and wait at once (the service's flags). */
export function configurePassphraseWork(workers: number, maxQueued: number): void {
  void pool.close();
  pool = new ScryptPool(workers, maxQueued);
}

export function stopPassphraseWork(): Promise<void> {
  return pool.close();
}

function derive(passphrase: string, salt: Buffer): Promise<Buffer> {
  return pool.derive(passphrase.normalize('NFC'), salt, KEY_BYTES);
}

export async function hashPassphrase(passphrase: string): Promise<PassphraseHash> {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64'), hash: (await derive(passphrase, salt)).toString('base64') };
}

/** Compares in constant time, so response timing says nothing about how close a guess was. */
export async function verifyPassphrase(passphrase: string, stored: PassphraseHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(passphrase, Buffer.from(stored.salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
