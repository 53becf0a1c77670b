import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../services/rooms/journal.js';
import { writeFileAtomic } from '../../../src/storage/write-file-atomic.js';
import { TestDisk } from '../../helpers/storage-fs.js';

type State = Record<string, number>;
type Change = { key: string; add: number };

const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'thiscord-sync-'));

/** Sequence numbers of the journal records in one logged write. */
const seqsIn = (entry: string): number[] => [...entry.matchAll(/"seq":(\d+)/g)].map((match) => Number(match[1]));

/**
 * The index of the first sync of `file` after `from` and before `until`, or -1: what an answer
 * given at `until` for bytes written at `from` needs.
 */
function syncBetween(log: string[], file: string, from: number, until: number): number {
  for (let i = from + 1; i < until; i++) if (log[i] === `sync ${file}`) return i;
  return -1;
}

/** Appends in several event-loop turns, noting each answer in the disk's log as it happens. */
async function appendAndNoteAnswers(journal: Journal<State, Change>, disk: TestDisk, firstSeq: number, turns: number): Promise<number> {
  const answered: Promise<void>[] = [];
  let seq = firstSeq;
  for (let turn = 0; turn < turns; turn++) {
    for (let i = 0; i < 3; i++) {
      const mine = seq++;
      answered.push(journal.appendDurably({ key: 'a', add: 1 }).then(() => disk.note(`answer ${mine}`)));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(answered);
  return seq;
}

describe('storage syncs before it answers', () => {
  it('answers no caller before its record was written to the journal and the journal was then synced', async () => {
    const where = dir();
    const disk = new TestDisk();
    const journal = new Journal<State, Change>(where, { fs: disk.fs, reserveBytes: 4096 });
    journal.open();
    await appendAndNoteAnswers(journal, disk, 1, 20);
    journal.close();
    const { log } = disk;
    const answers = log.flatMap((entry, index) => (entry.startsWith('answer ') ? [{ seq: Number(entry.slice(7)), index }] : []));
    expect(answers).toHaveLength(60);
    for (const answer of answers) {
      const written = log.findIndex((entry) => entry.startsWith('write rooms.journal') && seqsIn(entry).includes(answer.seq));
      expect(written, `record ${answer.seq} written before its answer`).toBeGreaterThanOrEqual(0);
      expect(written).toBeLessThan(answer.index);
      expect(
        syncBetween(log, 'rooms.journal', written, answer.index),
        `journal synced between writing ${answer.seq} and answering it`,
      ).toBeGreaterThan(written);
    }
  });

  it('starts writing and syncing a change at once when no sync is in flight', async () => {
    const disk = new TestDisk();
    const journal = new Journal<State, Change>(dir(), { fs: disk.fs, reserveBytes: 4096 });
    journal.open();
    const durable = journal.appendDurably({ key: 'a', add: 1 });
    // Before the caller does anything else: its remaining work overlaps the disk's.
    expect(disk.log.some((entry) => entry.startsWith('write rooms.journal') && seqsIn(entry).includes(1))).toBe(true);
    await durable;
    journal.close();
  });

  it('gives the changes made while a sync is in flight one write and one sync between them (group commit)', async () => {
    const disk = new TestDisk();
    const journal = new Journal<State, Change>(dir(), { fs: disk.fs, reserveBytes: 4096 });
    journal.open();
    const first = journal.appendDurably({ key: 'a', add: 1 });
    const queued = Array.from({ length: 10 }, () => journal.appendDurably({ key: 'a', add: 1 }));
    await Promise.all([first, ...queued]);
    const journalEntries = disk.log.filter((entry) => /^(write|sync) rooms\.journal/.test(entry));
    expect(journalEntries.map((entry) => entry.split(' ', 2).join(' '))).toEqual([
      'write rooms.journal',
      'sync rooms.journal',
      'write rooms.journal',
      'sync rooms.journal',
    ]);
    expect(seqsIn(journalEntries[2]!)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    journal.close();
  });

  it('makes a new journal durable in its directory before the first answer', async () => {
    const where = dir();
    const disk = new TestDisk();
    const journal = new Journal<State, Change>(where, { fs: disk.fs, reserveBytes: 4096 });
    journal.open();
    await appendAndNoteAnswers(journal, disk, 1, 1);
    journal.close();
    const created = disk.log.indexOf('open rooms.journal a');
    const firstAnswer = disk.log.findIndex((entry) => entry.startsWith('answer '));
    expect(syncBetween(disk.log, path.basename(where), created, firstAnswer)).toBeGreaterThan(created);
  });

  it('compacts as fsync the new snapshot, rename it, fsync the directory, and only then cut the journal', async () => {
    const where = dir();
    const disk = new TestDisk();
    const journal = new Journal<State, Change>(where, { fs: disk.fs, reserveBytes: 4096 });
    journal.open();
    await journal.appendDurably({ key: 'a', add: 1 });
    // Recorded, not yet written: compaction folds it into the snapshot, and its caller is answered later.
    const pending = journal.appendDurably({ key: 'a', add: 2 }).then(() => disk.note('answer 2'));
    journal.compact({ a: 3 });
    await pending;
    journal.close();
    const { log } = disk;
    const draft = log.findIndex((entry) => /^write rooms\.snapshot\.\d+\.tmp /.test(entry));
    const rename = log.findIndex((entry) => /^rename rooms\.snapshot\.\d+\.tmp rooms\.snapshot$/.test(entry));
    const truncate = log.indexOf('truncate rooms.journal 0');
    const answer = log.indexOf('answer 2');
    expect(draft).toBeGreaterThanOrEqual(0);
    expect(syncBetween(log, log[draft]!.split(' ')[1]!, draft, rename), 'snapshot synced before its rename').toBeGreaterThan(draft);
    expect(
      syncBetween(log, path.basename(where), rename, truncate),
      'directory synced after the rename, before the journal is cut',
    ).toBeGreaterThan(rename);
    expect(syncBetween(log, 'rooms.journal', truncate, answer), 'the cut journal synced before the answer').toBeGreaterThan(truncate);
    expect(readFileSync(path.join(where, 'rooms.snapshot'), 'utf8')).toContain('"state":{"a":3}');
  });

  it('writes a file atomically as write, fsync, rename, fsync of the directory', () => {
    const where = dir();
    const disk = new TestDisk();
    writeFileAtomic(path.join(where, 'file'), 'content', 0o600, { fs: disk.fs });
    const { log } = disk;
    const write = log.findIndex((entry) => entry.startsWith('write file.'));
    const rename = log.findIndex((entry) => entry.startsWith('rename file.'));
    expect(syncBetween(log, log[write]!.split(' ')[1]!, write, rename)).toBeGreaterThan(write);
    expect(syncBetween(log, path.basename(where), rename, log.length)).toBeGreaterThan(rename);
  });
});
