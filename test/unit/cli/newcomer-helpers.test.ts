import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { passphraseFrom } from '../../../src/cli/passphrase.js';
import { completeChatLine, parseChatLine } from '../../../src/clients/chat/chat-commands.js';
import { jittered } from '../../../src/clients/chat/hub-client.js';
import { OnlineUsers } from '../../../src/clients/chat/online-users.js';
import { routineFilter } from '../../../src/clients/events/routine-events.js';
import { closest } from '../../../src/text/did-you-mean.js';
import { fieldValue, readableTime } from '../../../src/text/readable.js';
import { ROOT } from '../../helpers/processes.js';

const event = (topic: string, type: string) => ({ topic, payload: { type, ts: '2026-11-25T10:00:00.000Z' } });

describe('did you mean', () => {
  it('finds the nearest command or flag, and nothing for a word unlike any', () => {
    expect(closest('romos', ['up', 'rooms', 'chat'])).toBe('rooms');
    expect(closest('hubport', ['hub-port', 'rooms-port', 'host'])).toBe('hub-port');
    expect(closest('crate', ['create', 'list', 'delete'])).toBe('create');
    expect(closest('subs', ['subscribe', 'serve'])).toBe('subscribe');
    expect(closest('xyzzy', ['up', 'rooms', 'chat'])).toBeUndefined();
  });
});

describe('the passphrase sources', () => {
  it('prefers the file, warns only for the command line, and falls back to THISCORD_PASSPHRASE', () => {
    const file = path.join(os.tmpdir(), `thiscord-pass-${process.pid}`);
    writeFileSync(file, 'in the file\nsecond line\n');
    const warnings: string[] = [];
    const warn = (line: string): number => warnings.push(line);
    expect(passphraseFrom({ passphraseFile: file }, { THISCORD_PASSPHRASE: 'env' }, warn)).toBe('in the file');
    expect(passphraseFrom({}, { THISCORD_PASSPHRASE: 'env' }, warn)).toBe('env');
    expect(passphraseFrom({}, {}, warn)).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(passphraseFrom({ passphrase: 'typed' }, { THISCORD_PASSPHRASE: 'env' }, warn)).toBe('typed');
    expect(warnings).toHaveLength(1);
    expect(() => passphraseFrom({ passphrase: 'a', passphraseFile: file }, {}, warn)).toThrow(/not both/);
  });
});

describe('chat commands', () => {
  it('parses /create with the options of rooms create, and /join with one word only', () => {
    expect(parseChatLine('/create club --private --ttl 2h --topic "CECS 327" --unlisted')).toEqual({
      kind: 'create',
      room: 'club',
      options: { private: true, ttl: '2h', topic: 'CECS 327', unlisted: true },
    });
    expect(parseChatLine('/create club --colour red')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('usage: /create'),
    });
    expect(parseChatLine('/join club')).toEqual({ kind: 'join', room: 'club' });
    expect(parseChatLine('/join club s3cret')).toMatchObject({ kind: 'invalid' });
  });

  it('completes commands, rooms after /join and /switch, and names elsewhere', () => {
    const source = { myRooms: () => ['study'], knownRooms: () => ['study', 'stats'], names: () => ['alice', 'albert', 'bob'] };
    expect(completeChatLine('/sw', source)).toEqual([['/switch '], '/sw']);
    expect(completeChatLine('/join st', source)).toEqual([['study', 'stats'], 'st']);
    expect(completeChatLine('/switch st', source)).toEqual([['study'], 'st']);
    expect(completeChatLine('thanks al', source)).toEqual([['alice', 'albert'], 'al']);
    expect(completeChatLine('thanks ', source)).toEqual([[], '']);
  });

  it('keeps who is online per room apart from anything else', () => {
    const online = new OnlineUsers();
    online.set('Study', ['alice', 'bob']);
    online.arrived('study', 'carol');
    online.departed('STUDY', 'bob');
    expect(online.in('study')).toEqual(['alice', 'carol']);
    expect(online.in('elsewhere')).toBeUndefined();
    online.forget('study');
    expect(online.everyone()).toEqual([]);
  });
});

describe('reconnect jitter', () => {
  it('spreads reconnects between half and all of the backoff', () => {
    expect(jittered(1000, () => 0)).toBe(500);
    expect(jittered(1000, () => 1)).toBe(1000);
    const delays = new Set(Array.from({ length: 50 }, () => jittered(1000)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(500);
  });
});

describe('the subscriber', () => {
  it('hides health probes and broker stats unless --all or a prefix names them', () => {
    const probe = event('system/health/n1', 'health.probe');
    const stats = event('system/broker', 'broker.stats');
    const started = event('system/hub', 'service.running');
    const shown = (prefixes: string[], all = false) =>
      [probe, stats, started].filter(routineFilter(prefixes, all)).map((e) => e.payload.type);
    expect(shown(['system/'])).toEqual(['service.running']);
    expect(shown([])).toEqual(['service.running']);
    expect(shown(['system/'], true)).toEqual(['health.probe', 'broker.stats', 'service.running']);
    expect(shown(['system/health/'])).toEqual(['health.probe', 'service.running']);
    expect(shown(['system/broker'])).toEqual(['broker.stats', 'service.running']);
  });

  it('shows moments in *_at fields as readable local times', () => {
    const now = new Date(2026, 10, 25, 15, 0, 0);
    expect(readableTime(new Date(2026, 10, 25, 14, 5, 9), now)).toBe('14:05:09');
    expect(readableTime(new Date(2026, 10, 30, 14, 5, 9), now)).toBe('2026-11-30 14:05');
    expect(fieldValue(new Date(2026, 10, 25, 14, 5, 9).getTime(), 'issued_at')).toMatch(/^(14:05:09|"\d{4}-\d\d-\d\d 14:05")$/);
    expect(fieldValue(1795615678468, 'count')).toBe('1795615678468');
  });
});

describe('dependency install scripts', () => {
  it('each have a decision in package.json allowScripts, so npm 11 installs without a warning', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([where]) => where.replace(/^.*node_modules\//, ''));
    expect(withScripts).toContain('zeromq');
    for (const name of withScripts)
      expect(typeof manifest.allowScripts?.[name], `allowScripts has no decision for ${name}`).toBe('boolean');
    // zeromq's builds its native addon where no prebuilt binary fits: needed there.
    expect(manifest.allowScripts.zeromq).toBe(true);
  });
});

describe('package-lock.json', () => {
  it('is current with package.json, so a fresh npm install leaves it unchanged', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const root = lock.packages[''];
    for (const field of ['name', 'version', 'dependencies', 'devDependencies', 'engines', 'license', 'bin']) {
      expect(root[field], field).toEqual(manifest[field]);
    }
  });
});
