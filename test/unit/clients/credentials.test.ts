import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  credentialsPath,
  loadCredentials,
  ownerKeyFor,
  saveAdmission,
  saveOwnerKey,
  ticketFor,
} from '../../../src/clients/rooms/credentials.js';
import type { Admission } from '../../../src/protocol/rooms-api.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'thiscord-cred-'));
  dirs.push(root);
  return path.join(root, 'data');
}

const admission = (user: string, room: string): Admission => ({
  room,
  user,
  ticket: `t-${room}`,
  expires_at: '2030-01-01T00:00:00.000Z',
  hub: { host: '127.0.0.1', port: 1 },
  members: [user],
});

describe('client credentials', () => {
  it.each(['../../x', 'a/b', '..\\x', '', 'x'.repeat(33), '/etc/passwd'])('never turns the name %j into a path', (user) => {
    const dir = dataDir();
    expect(() => credentialsPath(dir, user)).toThrow(/user name is/);
    expect(() => loadCredentials(dir, user)).toThrow(/user name is/);
  });

  it('refuses to write for a user name a server made up, and writes nothing anywhere', () => {
    const dir = dataDir();
    expect(() => saveAdmission(dir, admission('../../y', 'room'))).toThrow(/user name is/);
    expect(existsSync(path.dirname(dir))).toBe(true);
    expect(readdirSync(path.dirname(dir))).toEqual([]);
  });

  it('keeps rooms named like Object.prototype members as plain rooms', () => {
    const dir = dataDir();
    for (const room of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      saveOwnerKey(dir, 'alice', room, `key-${room}`);
      saveAdmission(dir, admission('alice', room));
    }
    for (const room of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(ownerKeyFor(dir, 'alice', room)).toBe(`key-${room}`);
      expect(ticketFor(dir, 'alice', room)?.ticket).toBe(`t-${room}`);
    }
    expect(ownerKeyFor(dir, 'alice', 'valueOf')).toBeUndefined();
    expect(ticketFor(dir, 'alice', 'valueOf')).toBeUndefined();
    expect(Object.keys(loadCredentials(dir, 'alice').owner_keys).sort()).toEqual([
      '__proto__',
      'constructor',
      'hasownproperty',
      'tostring',
    ]);
  });
});
