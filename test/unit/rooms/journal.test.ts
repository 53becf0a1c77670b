import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../services/rooms/journal.js';

type State = Record<string, number>;
type Change = { key: string; add: number };

function replay(journal: Journal<State, Change>): { state: State; discarded: number } {
  const recovered = journal.open();
  const state: State = { ...(recovered.snapshot ?? {}) };
  for (const change of recovered.changes) state[change.key] = (state[change.key] ?? 0) + change.add;
  return { state, discarded: recovered.discardedBytes };
}

const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'thiscord-journal-'));

describe('room journal', () => {
  it('replays every appended change after a restart', async () => {
    const where = dir();
    const first = new Journal<State, Change>(where);
    first.open();
    for (let i = 0; i < 10; i++) await first.appendDurably({ key: `k${i % 3}`, add: i });
    first.close();
    expect(replay(new Journal<State, Change>(where)).state).toEqual({ k0: 18, k1: 12, k2: 15 });
  });

  it('compacts into a snapshot and an empty journal, losing nothing', async () => {
    const where = dir();
    const journal = new Journal<State, Change>(where);
    journal.open();
    await journal.appendDurably({ key: 'a', add: 1 });
    await journal.appendDurably({ key: 'a', add: 2 });
    journal.compact({ a: 3 });
    await journal.appendDurably({ key: 'b', add: 5 });
    journal.close();
    // The header naming the snapshot it continues, then the one record after it.
    const lines = readFileSync(path.join(where, 'rooms.journal'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^[0-9a-f]{16} \{"journal":"thiscord-rooms","after":2\}$/);
    expect(replay(new Journal<State, Change>(where)).state).toEqual({ a: 3, b: 5 });
  });

  it('replays nothing twice when a crash fell between the snapshot and the journal truncation', async () => {
    const where = dir();
    const journal = new Journal<State, Change>(where);
    journal.open();
    await journal.appendDurably({ key: 'a', add: 1 });
    await journal.appendDurably({ key: 'a', add: 2 });
    const before = readFileSync(path.join(where, 'rooms.journal'));
    journal.compact({ a: 3 });
    journal.close();
    // As if the process died after the snapshot's rename but before the journal was emptied.
    writeFileSync(path.join(where, 'rooms.journal'), before);
    expect(replay(new Journal<State, Change>(where)).state).toEqual({ a: 3 });
  });

  it('cuts off a torn last line and keeps everything before it', async () => {
    const where = dir();
    const journal = new Journal<State, Change>(where);
    journal.open();
    await journal.appendDurably({ key: 'a', add: 1 });
    journal.close();
    appendFileSync(path.join(where, 'rooms.journal'), '0123456789abcdef {"seq":2,"change":{"key":"a","ad');
    const reopened = new Journal<State, Change>(where);
    const { state, discarded } = replay(reopened);
    expect(state).toEqual({ a: 1 });
    expect(discarded).toBeGreaterThan(0);
    await reopened.appendDurably({ key: 'a', add: 10 });
    reopened.close();
    expect(replay(new Journal<State, Change>(where)).state).toEqual({ a: 11 });
  });

  it('answers every caller once durable, including those that appended while a flush was in flight', async () => {
    const where = dir();
    const journal = new Journal<State, Change>(where);
    journal.open();
    const acknowledged: Promise<void>[] = [];
    for (let turn = 0; turn < 20; turn++) {
      for (let i = 0; i < 5; i++) acknowledged.push(journal.appendDurably({ key: 'a', add: 1 }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(acknowledged);
    journal.close();
    expect(replay(new Journal<State, Change>(where)).state).toEqual({ a: 100 });
  });

  it('makes pending appends durable and answers their callers when closed', async () => {
    const where = dir();
    const journal = new Journal<State, Change>(where);
    journal.open();
    const first = journal.appendDurably({ key: 'a', add: 1 });
    const second = journal.appendDurably({ key: 'a', add: 2 });
    journal.close();
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    expect(replay(new Journal<State, Change>(where)).state).toEqual({ a: 3 });
  });

  it('refuses a corrupt snapshot with a sentence saying what to do', () => {
    const where = dir();
    writeFileSync(path.join(where, 'rooms.snapshot'), 'deadbeef {"seq":1,"state":{}}');
    expect(() => new Journal<State, Change>(where).open()).toThrow(
      /rooms\.snapshot does not match its checksum .*at byte 0.*Nothing was changed.*thiscord rooms restore.*thiscord rooms fsck --repair/,
    );
  });
});
