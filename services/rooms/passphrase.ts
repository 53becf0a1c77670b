import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { PassphraseHash } from './room-directory.js';

const KEY_BYTES = 32;

function derive(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, (error, key) => (error ? reject(error) : resolve(key)));
  });
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
