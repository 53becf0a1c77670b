import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ifPresent } from '../storage/if-present.js';

const SECRET_FILE = 'ticket-secret';
const SECRET_BYTES = 32;

/**
 * The key the room service signs tickets with and the hub checks them with. `THISCORD_SECRET`
 * wins; otherwise one random secret is created in the data dir (mode 0600) and reused, so tickets
 * survive restarts. An existing secret is only read: a start writes nothing, so it works on a full
 * disk. A new one is written aside and hard-linked into place, which fails if it exists, so two
 * services starting together agree on one key and neither ever reads a half-written file.
 */
export function loadTicketSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.THISCORD_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') return Buffer.from(fromEnv, 'utf8');
  const file = path.join(dataDir, SECRET_FILE);
  const secret = (ifPresent(() => readFileSync(file, 'utf8')) ?? createSecret(dataDir, file)).trim();
  if (secret.length < 32) {
    throw new Error(
      `the ticket secret in ${file} is too short or empty; delete the file to make a new one (tickets already issued stop working)`,
    );
  }
  return Buffer.from(secret, 'utf8');
}

function createSecret(dataDir: string, file: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.tmp`;
  writeFileSync(draft, randomBytes(SECRET_BYTES).toString('hex'), { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  return readFileSync(file, 'utf8');
}
