import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instanceCreatedAt, isInstanceId, newInstanceId } from '../../src/tickets/room-instance.js';
import { loadTicketSecret } from '../../src/tickets/secret.js';
import { signTicket, verifyTicket } from '../../src/tickets/ticket.js';

const secret = Buffer.from('a'.repeat(64));
const claims = { user: 'alice', room: 'study', instance: newInstanceId(900), iat: 1000, exp: 10_000 };

describe('tickets', () => {
  it('verifies a ticket it signed and returns its claims', () => {
    expect(verifyTicket(secret, signTicket(secret, claims), 5000)).toEqual({ ok: true, claims });
  });

  it('refuses an expired ticket as expired', () => {
    expect(verifyTicket(secret, signTicket(secret, claims), 10_000)).toEqual({ ok: false, reason: 'ticket_expired', claims });
  });

  it('refuses a ticket signed with another secret, a tampered body, and garbage', () => {
    const other = signTicket(Buffer.from('b'.repeat(64)), claims);
    expect(verifyTicket(secret, other, 5000)).toEqual({ ok: false, reason: 'bad_ticket' });
    const [body, sig] = signTicket(secret, claims).split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ u: 'mallory', r: 'study', i: claims.instance, iat: 1000, exp: 10_000 })).toString(
      'base64url',
    );
    expect(verifyTicket(secret, `${forged}.${sig}`, 5000)).toEqual({ ok: false, reason: 'bad_ticket' });
    expect(verifyTicket(secret, `${body}`, 5000)).toEqual({ ok: false, reason: 'bad_ticket' });
    expect(verifyTicket(secret, 42, 5000)).toEqual({ ok: false, reason: 'bad_ticket' });
    expect(verifyTicket(secret, 'x'.repeat(5000), 5000)).toEqual({ ok: false, reason: 'bad_ticket' });
  });

  it('accepts one spelling of a signature and body only', () => {
    const token = signTicket(secret, claims);
    const [body, sig] = token.split('.') as [string, string];
    const lastBits = sig.at(-1)!;
    const sameBytes = `${sig.slice(0, -1)}${String.fromCharCode(lastBits.charCodeAt(0) + 1)}`;
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    for (const variant of [`${token}!`, `${token}==`, `${token}=`, `${token}\n`, `${body}.${sameBytes}`, `${body}=.${sig}`, ` ${token}`]) {
      expect(verifyTicket(secret, variant, 5000), JSON.stringify(variant)).toEqual({ ok: false, reason: 'bad_ticket' });
    }
    expect(verifyTicket(secret, token, 5000).ok).toBe(true);
  });

  it('names the room instance it admits to, and refuses a genuine one that names none', () => {
    expect(verifyTicket(secret, signTicket(secret, claims), 5000)).toMatchObject({ ok: true, claims: { instance: claims.instance } });
    const body = Buffer.from(JSON.stringify({ u: 'alice', r: 'study', iat: 1000, exp: 10_000 })).toString('base64url');
    const legacy = `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
    expect(verifyTicket(secret, legacy, 5000)).toEqual({ ok: false, reason: 'bad_ticket' });
  });

  it('makes instance ids that are unguessable and ordered by creation', () => {
    const a = newInstanceId(1_795_000_000_000);
    const b = newInstanceId(1_795_000_000_000);
    expect(a).not.toBe(b);
    expect(isInstanceId(a)).toBe(true);
    expect(instanceCreatedAt(a)).toBe(1_795_000_000_000);
    for (const bad of ['', 'x', `${a}x`, `${a.split('.')[0]}.short`, 42, null]) expect(isInstanceId(bad)).toBe(false);
  });

  it('creates one secret file with mode 0600 and reuses it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-secret-'));
    const first = loadTicketSecret(dir, {});
    expect(loadTicketSecret(dir, {})).toEqual(first);
    expect(statSync(path.join(dir, 'ticket-secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'ticket-secret'), 'utf8').trim()).toBe(first.toString('utf8'));
  });

  it('writes nothing when the secret exists, so a start works on a full disk', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-secret-'));
    const first = loadTicketSecret(dir, {});
    const before = statSync(dir);
    expect(loadTicketSecret(dir, {})).toEqual(first);
    // A file made and removed in the dir (a draft) would have moved its change time.
    expect(statSync(dir).ctimeMs).toBe(before.ctimeMs);
    expect(readdirSync(dir)).toEqual(['ticket-secret']);
  });

  it('prefers THISCORD_SECRET', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-secret-'));
    expect(loadTicketSecret(dir, { THISCORD_SECRET: 'from-env' }).toString()).toBe('from-env');
  });
});
