import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../services/rooms/journal.js';
import { StoreDamagedError } from '../../../src/storage/store-damaged.js';

type State = Record<string, number>;
type Change = { key: string; add: number };

const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'thiscord-store-'));

function open(where: string): State {
  const recovered = new Journal<State, Change>(where, { reserveBytes: 4096 }).open();
  const state: State = { ...(recovered.snapshot ?? {}) };
  for (const change of recovered.changes) state[change.key] = (state[change.key] ?? 0) + change.add;
  return state;
}

/** A store with a snapshot (after 40 changes) and 60 journal records after it; returns the state it holds. */
async function makeStore(where: string): Promise<State> {
  const journal = new Journal<State, Change>(where, { reserveBytes: 4096 });
  journal.open();
  const state: State = {};
  for (let i = 0; i < 100; i++) {
    const change = { key: `room-${i % 7}`, add: i + 1 };
    await journal.appendDurably(change);
    state[change.key] = (state[change.key] ?? 0) + change.add;
    if (i === 39) journal.compact({ ...state });
  }
  journal.close();
  return state;
}

const filesOf = (where: string): Record<string, Buffer> =>
  Object.fromEntries(readdirSync(where).map((name) => [name, readFileSync(path.join(where, name))]));

function refusal(where: string): StoreDamagedError {
  const before = filesOf(where);
  let caught: unknown;
  try {
    open(where);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreDamagedError);
  // Refused without changing a byte of anything.
  expect(filesOf(where)).toEqual(before);
  return caught as StoreDamagedError;
}

describe('room store start-up checks', () => {
  it('cuts an incomplete last record and nothing else', async () => {
    const where = dir();
    const state = await makeStore(where);
    appendFileSync(path.join(where, 'rooms.journal'), '0123456789abcdef {"seq":101,"change":{"key":"roo');
    expect(open(where)).toEqual(state);
    expect(readFileSync(path.join(where, 'rooms.journal'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('refuses a last record whose line end was damaged, though it could pass for a torn write', async () => {
    const where = dir();
    await makeStore(where);
    const file = path.join(where, 'rooms.journal');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = 0x20;
    writeFileSync(file, bytes);
    const error = refusal(where);
    expect(error.message).toContain(`rooms.journal ends in a record whose line end is damaged (at byte ${bytes.length - 1}`);
  });

  it('refuses damage in the middle of the journal, naming the file, the offset and the choices', async () => {
    const where = dir();
    await makeStore(where);
    const file = path.join(where, 'rooms.journal');
    const bytes = readFileSync(file);
    const lineStarts = [0, ...[...bytes.entries()].filter(([, byte]) => byte === 0x0a).map(([i]) => i + 1)];
    const tenth = lineStarts[10]!;
    bytes[tenth + 30]! ^= 0x01;
    writeFileSync(file, bytes);
    const error = refusal(where);
    expect(error.message).toContain(`${where}/rooms.journal has a line that fails its checksum (at byte ${tenth}, line 11)`);
    expect(error.message).toMatch(
      /Nothing was changed\. Choose: .*thiscord rooms restore FILE --data-dir .*thiscord rooms fsck --repair --data-dir/,
    );
  });

  it('refuses to start without the snapshot the journal continues from', async () => {
    const where = dir();
    await makeStore(where);
    rmSync(path.join(where, 'rooms.snapshot'));
    expect(refusal(where).message).toContain('rooms.snapshot is missing, but the journal continues from seq 40');
  });

  it('refuses a missing snapshot even when the journal was just cut', async () => {
    const where = dir();
    const journal = new Journal<State, Change>(where, { reserveBytes: 4096 });
    journal.open();
    await journal.appendDurably({ key: 'a', add: 1 });
    journal.compact({ a: 1 });
    journal.close();
    rmSync(path.join(where, 'rooms.snapshot'));
    expect(refusal(where).message).toContain('rooms.snapshot is missing, but the journal continues from seq 1');
  });

  it('refuses a journal with records missing', async () => {
    const where = dir();
    await makeStore(where);
    const file = path.join(where, 'rooms.journal');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(20, 3);
    writeFileSync(file, lines.join('\n'));
    expect(refusal(where).message).toContain('rooms.journal lacks records 60 to 62 before this one');
  });

  it('refuses a snapshot older than the journal it goes with', async () => {
    const where = dir();
    const journal = new Journal<State, Change>(where, { reserveBytes: 4096 });
    journal.open();
    await journal.appendDurably({ key: 'a', add: 1 });
    journal.compact({ a: 1 });
    copyFileSync(path.join(where, 'rooms.snapshot'), path.join(where, 'old-snapshot'));
    await journal.appendDurably({ key: 'a', add: 2 });
    journal.compact({ a: 3 });
    journal.close();
    copyFileSync(path.join(where, 'old-snapshot'), path.join(where, 'rooms.snapshot'));
    expect(refusal(where).message).toContain(
      'rooms.snapshot holds the state up to seq 1, but the journal starts after seq 2: records 2 to 2 are missing',
    );
  });

  it('refuses a snapshot without its journal', async () => {
    const where = dir();
    await makeStore(where);
    rmSync(path.join(where, 'rooms.journal'));
    expect(refusal(where).message).toContain('rooms.journal is missing: changes recorded after the snapshot (seq 40), if any, are gone');
  });

  it('refuses a snapshot cut short', async () => {
    const where = dir();
    await makeStore(where);
    truncateSync(path.join(where, 'rooms.snapshot'), 30);
    expect(refusal(where).message).toContain('rooms.snapshot does not match its checksum (damaged or cut short) (at byte 0)');
  });

  it('reads a journal written before headers existed', async () => {
    const where = dir();
    const state = await makeStore(where);
    const file = path.join(where, 'rooms.journal');
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(1).join('\n'));
    expect(open(where)).toEqual(state);
  });

  it('with one byte flipped anywhere, recovers exactly everything acknowledged or refuses loudly: never less in silence', async () => {
    const pristine = dir();
    const state = await makeStore(pristine);
    const files = filesOf(pristine);
    const targets = ['rooms.snapshot', 'rooms.journal'] as const;
    const total = targets.reduce((sum, name) => sum + files[name]!.length, 0);
    // Seeded, so that a failing offset can be found again.
    let seed = 20261125;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const outcomes = { recovered: 0, refused: 0 };
    for (let run = 0; run < 100; run++) {
      let offset = Math.floor(random() * total);
      const target = offset < files['rooms.snapshot']!.length ? 'rooms.snapshot' : 'rooms.journal';
      if (target === 'rooms.journal') offset -= files['rooms.snapshot']!.length;
      const where = dir();
      for (const [name, content] of Object.entries(files)) writeFileSync(path.join(where, name), content);
      const bytes = Buffer.from(files[target]!);
      bytes[offset]! ^= 1 << Math.floor(random() * 8);
      writeFileSync(path.join(where, target), bytes);
      let recovered: State | undefined;
      try {
        recovered = open(where);
      } catch (error) {
        expect(error, `${target} byte ${offset}`).toBeInstanceOf(StoreDamagedError);
        expect((error as Error).message, `${target} byte ${offset}`).toContain(`${target} `);
        outcomes.refused++;
      }
      if (recovered) {
        expect(recovered, `${target} byte ${offset}: recovered, so exactly`).toEqual(state);
        outcomes.recovered++;
      }
      rmSync(where, { recursive: true });
    }
    expect(outcomes.recovered + outcomes.refused).toBe(100);
  });
});
