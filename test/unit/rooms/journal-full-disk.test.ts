import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, type JournalNotice } from '../../../services/rooms/journal.js';
import { StorageFullError } from '../../../src/storage/storage-full.js';
import { TestDisk } from '../../helpers/storage-fs.js';

type State = Record<string, number>;
type Change = { key: string; add: number };

const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'thiscord-full-'));

function replay(where: string): State {
  const recovered = new Journal<State, Change>(where).open();
  const state: State = { ...(recovered.snapshot ?? {}) };
  for (const change of recovered.changes) state[change.key] = (state[change.key] ?? 0) + change.add;
  return state;
}

const RESERVE = 4096;

describe('room journal on a filling disk', () => {
  it('finishes a write the disk cuts short, whatever size each write call takes', async () => {
    const where = dir();
    const disk = new TestDisk();
    disk.maxWriteBytes = 7;
    const journal = new Journal<State, Change>(where, { fs: disk.fs, reserveBytes: RESERVE });
    journal.open();
    const acknowledged: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) acknowledged.push(journal.appendDurably({ key: `k${i % 4}`, add: i }));
    await Promise.all(acknowledged);
    journal.compact({ k0: 105, k1: 112, k2: 119, k3: 99 });
    await journal.appendDurably({ key: 'k0', add: 1 });
    journal.close();
    expect(disk.log.filter((entry) => entry.startsWith('write rooms.journal')).length).toBeGreaterThan(30);
    expect(replay(where)).toEqual({ k0: 106, k1: 112, k2: 119, k3: 99 });
  });

  it('finishes the batch the disk filled up in, then refuses changes before touching anything, and takes them again once space is freed', async () => {
    const where = dir();
    const disk = new TestDisk();
    const notices: JournalNotice[] = [];
    const journal = new Journal<State, Change>(where, {
      fs: disk.fs,
      reserveBytes: RESERVE,
      fullRetryMs: 0,
      onNotice: (n) => notices.push(n),
    });
    journal.open();
    await journal.appendDurably({ key: 'a', add: 1 });
    // 10 bytes left: the next record goes in short, then ENOSPC; the reserve makes room for the rest.
    disk.free = 10;
    await journal.appendDurably({ key: 'a', add: 2 });
    expect(existsSync(path.join(where, 'rooms.reserve'))).toBe(false);
    expect(notices).toEqual([{ kind: 'storage_full', where: 'journal write' }]);
    expect(journal.full).toBe(true);
    disk.free = 0;
    const journalBefore = readFileSync(path.join(where, 'rooms.journal'));
    expect(() => journal.appendDurably({ key: 'a', add: 100 })).toThrow(StorageFullError);
    expect(readFileSync(path.join(where, 'rooms.journal'))).toEqual(journalBefore);
    // Space comes back: the reserve is set aside again and the next change goes through.
    disk.free = Number.POSITIVE_INFINITY;
    await journal.appendDurably({ key: 'a', add: 4 });
    expect(notices.at(-1)).toEqual({ kind: 'storage_available' });
    expect(statSync(path.join(where, 'rooms.reserve')).size).toBe(RESERVE);
    journal.close();
    expect(replay(where)).toEqual({ a: 7 });
  });

  it('never answers a batch that could not be written even with the reserve, and stops', async () => {
    const where = dir();
    const disk = new TestDisk();
    const failures: Error[] = [];
    const journal = new Journal<State, Change>(where, { fs: disk.fs, reserveBytes: RESERVE, onFailure: (error) => failures.push(error) });
    journal.open();
    // The first change is on its way to the disk; the next 100 queue behind it as one batch.
    const first = journal.appendDurably({ key: 'first', add: 1 });
    disk.free = 0;
    const big = Array.from({ length: 100 }, (_, i) => journal.appendDurably({ key: `key-${'x'.repeat(40)}-${i}`, add: i }));
    await first;
    const outcomes = await Promise.allSettled(big);
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(failures).toHaveLength(1);
    expect((failures[0] as NodeJS.ErrnoException).code).toBe('ENOSPC');
  });

  it('puts a compaction off when the disk is full, keeping the previous snapshot and the journal as they were', async () => {
    const where = dir();
    const disk = new TestDisk();
    const notices: JournalNotice[] = [];
    const journal = new Journal<State, Change>(where, { fs: disk.fs, reserveBytes: RESERVE, onNotice: (n) => notices.push(n) });
    journal.open();
    await journal.appendDurably({ key: 'a', add: 1 });
    journal.compact({ a: 1 });
    await journal.appendDurably({ key: 'a', add: 2 });
    const snapshot = readFileSync(path.join(where, 'rooms.snapshot'));
    const journalBytes = readFileSync(path.join(where, 'rooms.journal'));
    disk.free = 20;
    journal.compact({ a: 3 });
    expect(notices).toEqual([{ kind: 'compaction_postponed', reason: expect.stringContaining('unchanged') }]);
    expect(readFileSync(path.join(where, 'rooms.snapshot'))).toEqual(snapshot);
    expect(readFileSync(path.join(where, 'rooms.journal'))).toEqual(journalBytes);
    expect(journal.wantsCompaction).toBe(false);
    disk.free = Number.POSITIVE_INFINITY;
    journal.close();
    expect(replay(where)).toEqual({ a: 3 });
  });

  it('starts on a full disk, refusing changes, when the reserve cannot be set aside', async () => {
    const where = dir();
    const disk = new TestDisk();
    disk.free = 100;
    const journal = new Journal<State, Change>(where, { fs: disk.fs, reserveBytes: RESERVE, fullRetryMs: 60_000 });
    expect(journal.open().changes).toEqual([]);
    expect(journal.full).toBe(true);
    expect(() => journal.appendDurably({ key: 'a', add: 1 })).toThrow(/is full, so no change can be recorded; reads still work/);
    journal.close();
  });
});
