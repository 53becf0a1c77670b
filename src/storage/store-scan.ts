import { LineSplitter } from '../protocol/line-splitter.js';
import { JOURNAL_FILE, type JournalHeader, RESTORING_FILE, SNAPSHOT_FILE, verifiedBody } from './store-format.js';

/** One thing wrong with the store, located exactly. */
export interface StoreProblem {
  file: string;
  offset: number;
  /** 1-based journal line, when the problem is in the journal. */
  line?: number;
  /** A sentence fragment after the file name: "has a record whose checksum does not match". */
  what: string;
}

export interface VerifiedRecord<C> {
  seq: number;
  change: C;
  offset: number;
  line: number;
}

/** A journal line that fails its checksum: its content cannot be trusted, only shown. */
export interface DamagedLine {
  offset: number;
  line: number;
  bytes: Buffer;
}

export type SnapshotScan<S> =
  | { status: 'ok'; seq: number; state: S; bytes: number }
  | { status: 'missing' }
  | { status: 'damaged'; bytes: number };

export interface StoreScan<S, C> {
  snapshot: SnapshotScan<S>;
  journalExists: boolean;
  /** The journal header's base, or undefined for a journal without one (empty, or written before headers). */
  after: number | undefined;
  /** Every record that checks out, in file order (including any the snapshot already covers). */
  records: VerifiedRecord<C>[];
  damaged: DamagedLine[];
  /** Where the journal's complete lines end. */
  verifiedBytes: number;
  /** Bytes of an incomplete last record (a write cut off by a crash, never acknowledged): the one thing start-up may cut. */
  tornTailBytes: number;
  /** The sequence number of the last change the store holds. */
  lastSeq: number;
  /** Empty when the store is whole: only then does the room service start on it. */
  problems: StoreProblem[];
}

export interface StoreFiles {
  snapshot: Buffer | undefined;
  journal: Buffer | undefined;
  restoring: boolean;
}

/**
 * Checks a snapshot and journal against each other without changing anything: every unit's
 * checksum, the header, and that sequence numbers run on without a gap from the snapshot through
 * the last record. Damage anywhere but an incomplete last record is a problem; so is a missing
 * snapshot or journal that the other one proves existed.
 */
export function scanStore<S, C>(files: StoreFiles): StoreScan<S, C> {
  const problems: StoreProblem[] = [];
  if (files.restoring)
    problems.push({
      file: RESTORING_FILE,
      offset: 0,
      what: 'is there: a restore was interrupted; run `thiscord rooms restore FILE` again',
    });
  const snapshot = scanSnapshot<S>(files.snapshot);
  if (snapshot.status === 'damaged')
    problems.push({ file: SNAPSHOT_FILE, offset: 0, what: 'does not match its checksum (damaged or cut short)' });
  const journal = scanJournal<C>(files.journal ?? Buffer.alloc(0));
  problems.push(...journal.problems);
  const snapshotSeq = snapshot.status === 'ok' ? snapshot.seq : 0;
  if (files.journal === undefined && snapshot.status === 'ok') {
    problems.push({
      file: JOURNAL_FILE,
      offset: 0,
      what: `is missing: changes recorded after the snapshot (seq ${snapshotSeq}), if any, are gone`,
    });
  }
  const base = journal.after ?? (journal.records[0] ? journal.records[0].seq - 1 : snapshotSeq);
  if (snapshot.status === 'missing' && base > 0) {
    problems.push({
      file: SNAPSHOT_FILE,
      offset: 0,
      what: `is missing, but the journal continues from seq ${base}: everything recorded up to then is gone`,
    });
  }
  if (snapshot.status === 'ok' && base > snapshotSeq) {
    problems.push({
      file: SNAPSHOT_FILE,
      offset: 0,
      what: `holds the state up to seq ${snapshotSeq}, but the journal starts after seq ${base}: records ${snapshotSeq + 1} to ${base} are missing`,
    });
  }
  let previous = base;
  let nextDamaged = 0;
  for (const record of journal.records) {
    // A crash between a snapshot's rename and the journal's truncation leaves records the snapshot
    // covers; the journal then goes on right after the snapshot.
    const continues = record.seq === previous + 1 || (previous < snapshotSeq && record.seq === snapshotSeq + 1);
    // A damaged line already accounts for the records missing around it.
    let damageBefore = false;
    while (nextDamaged < journal.damaged.length && journal.damaged[nextDamaged]!.offset < record.offset) {
      damageBefore = true;
      nextDamaged++;
    }
    if (!continues && !damageBefore && snapshot.status !== 'damaged') {
      problems.push({
        file: JOURNAL_FILE,
        offset: record.offset,
        line: record.line,
        what:
          record.seq <= previous
            ? `has record seq ${record.seq} after seq ${previous}: out of order`
            : `lacks records ${previous + 1} to ${record.seq - 1} before this one`,
      });
    }
    previous = record.seq;
  }
  const lastRecord = journal.records.at(-1)?.seq ?? 0;
  return {
    snapshot,
    journalExists: files.journal !== undefined,
    after: journal.after,
    records: journal.records,
    damaged: journal.damaged,
    verifiedBytes: journal.verifiedBytes,
    tornTailBytes: journal.tornTailBytes,
    lastSeq: Math.max(snapshotSeq, lastRecord, base),
    problems,
  };
}

function scanSnapshot<S>(data: Buffer | undefined): SnapshotScan<S> {
  if (data === undefined) return { status: 'missing' };
  const body = verifiedBody(data);
  const parsed = body === undefined ? undefined : parseJson(body);
  if (isObject(parsed) && isSeq(parsed.seq) && isObject(parsed.state)) {
    return { status: 'ok', seq: parsed.seq, state: parsed.state as S, bytes: data.length };
  }
  return { status: 'damaged', bytes: data.length };
}

interface JournalScan<C> {
  after: number | undefined;
  records: VerifiedRecord<C>[];
  damaged: DamagedLine[];
  verifiedBytes: number;
  tornTailBytes: number;
  problems: StoreProblem[];
}

function scanJournal<C>(data: Buffer): JournalScan<C> {
  const scan: JournalScan<C> = { after: undefined, records: [], damaged: [], verifiedBytes: 0, tornTailBytes: 0, problems: [] };
  let line = 0;
  new LineSplitter(data.length + 1).push(data, (bytes) => {
    line++;
    const offset = bytes.byteOffset - data.byteOffset;
    const body = verifiedBody(bytes);
    const parsed = body === undefined ? undefined : parseJson(body);
    if (line === 1 && isHeader(parsed)) {
      scan.after = parsed.after;
    } else if (isObject(parsed) && isSeq(parsed.seq) && parsed.seq > 0 && 'change' in parsed) {
      scan.records.push({ seq: parsed.seq, change: parsed.change as C, offset, line });
    } else {
      scan.damaged.push({ offset, line, bytes: Buffer.from(bytes) });
      scan.problems.push({ file: JOURNAL_FILE, offset, line, what: 'has a line that fails its checksum' });
    }
  });
  scan.verifiedBytes = data.lastIndexOf(0x0a) + 1;
  const tail = data.subarray(scan.verifiedBytes);
  if (tail.length > 0) {
    // A crash mid-write leaves a prefix of a record. A whole record followed by one stray byte is
    // no such prefix: its line end was damaged after it was written (and perhaps acknowledged).
    const recordBeforeLastByte = verifiedBody(tail.subarray(0, tail.length - 1));
    if (recordBeforeLastByte === undefined) {
      scan.tornTailBytes = tail.length;
    } else {
      scan.damaged.push({ offset: scan.verifiedBytes, line: line + 1, bytes: Buffer.from(tail) });
      scan.problems.push({
        file: JOURNAL_FILE,
        offset: data.length - 1,
        line: line + 1,
        what: 'ends in a record whose line end is damaged',
      });
    }
  }
  return scan;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function isHeader(value: unknown): value is JournalHeader {
  return isObject(value) && value.journal === 'thiscord-rooms' && isSeq(value.after);
}
