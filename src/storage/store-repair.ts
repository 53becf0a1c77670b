import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { lockDataDir } from './data-dir-lock.js';
import { keepCopy } from './keep-copy.js';
import { encodeHeader, encodeRecord, JOURNAL_FILE, SNAPSHOT_FILE, verifiedBody } from './store-format.js';
import { readStoreFiles } from './store-reader.js';
import { type DamagedLine, type StoreScan, scanStore, type VerifiedRecord } from './store-scan.js';
import { fsyncDirectory, writeFileAtomic } from './write-file-atomic.js';

/** Says, for a person, what an unverified change was about ("join room study-group as bob"), or undefined. */
export type DescribeChange = (change: unknown) => string | undefined;

export interface RepairPlan<C> {
  keepSnapshot: boolean;
  /** The sequence number the new journal continues from. */
  base: number;
  records: VerifiedRecord<C>[];
  /** One sentence per thing lost or dropped. */
  lost: string[];
}

/**
 * What a repair keeps and loses: the snapshot if it checks out, and every journal record that
 * checks out after it, in order. Everything else is named: damaged lines (with what they seem to
 * have been, unverified), sequence numbers with no record, a missing or damaged file.
 */
export function planRepair<S, C>(scan: StoreScan<S, C>, describe: DescribeChange): RepairPlan<C> {
  const lost: string[] = [];
  const keepSnapshot = scan.snapshot.status === 'ok';
  const base = scan.snapshot.status === 'ok' ? scan.snapshot.seq : 0;
  if (scan.snapshot.status === 'damaged') {
    lost.push(
      `${SNAPSHOT_FILE} (${scan.snapshot.bytes} bytes) fails its checksum: the state it held is lost, so are the rooms the journal does not create again`,
    );
  }
  const journalBase = scan.after ?? (scan.records[0] ? scan.records[0].seq - 1 : 0);
  if (scan.snapshot.status === 'missing' && journalBase > 0) {
    lost.push(
      `${SNAPSHOT_FILE} is missing: the state up to seq ${journalBase} is lost, so are the rooms the journal does not create again`,
    );
  }
  if (!scan.journalExists && keepSnapshot) lost.push(`${JOURNAL_FILE} is missing: changes after seq ${base}, if there were any, are lost`);
  const candidates = [...scan.records, ...scan.damaged.flatMap((line) => recordWithDamagedLineEnd<C>(line, lost))].sort(
    (a, b) => a.offset - b.offset,
  );
  for (const line of scan.damaged) {
    if (recordWithDamagedLineEnd(line, []).length > 0) continue;
    const seems = describeDamaged(line, describe);
    lost.push(
      `${JOURNAL_FILE} line ${line.line} (byte ${line.offset}, ${line.bytes.length} bytes) fails its checksum: lost${seems ? `; it seems to be ${seems} (unverified)` : ''}`,
    );
  }
  const records: VerifiedRecord<C>[] = [];
  let previous = keepSnapshot ? base : journalBase;
  for (const record of candidates) {
    if (keepSnapshot && record.seq <= base) continue; // the snapshot holds it
    if (record.seq <= previous) {
      lost.push(`${JOURNAL_FILE} line ${record.line}: record seq ${record.seq} after seq ${previous} is out of order and dropped`);
      continue;
    }
    if (record.seq > previous + 1) lost.push(`records seq ${previous + 1} to ${record.seq - 1} are lost`);
    records.push(record);
    previous = record.seq;
  }
  if (scan.tornTailBytes > 0) lost.push(`an incomplete last record (${scan.tornTailBytes} bytes, never acknowledged) is dropped`);
  return { keepSnapshot, base: keepSnapshot ? base : 0, records, lost };
}

/** A last line whose only fault is its line end still checks out without it, and is kept. */
function recordWithDamagedLineEnd<C>(line: DamagedLine, notes: string[]): VerifiedRecord<C>[] {
  const body = verifiedBody(line.bytes.subarray(0, line.bytes.length - 1));
  if (body === undefined) return [];
  const parsed = JSON.parse(body) as { seq?: unknown; change?: unknown };
  if (!Number.isSafeInteger(parsed.seq)) return [];
  notes.push(`${JOURNAL_FILE} line ${line.line}: its line end was damaged; the record itself checks out and is kept`);
  return [{ seq: parsed.seq as number, change: parsed.change as C, offset: line.offset, line: line.line }];
}

function describeDamaged(line: DamagedLine, describe: DescribeChange): string | undefined {
  const text = line.bytes.toString('utf8');
  try {
    const parsed = JSON.parse(text.slice(text.indexOf(' ') + 1)) as { seq?: unknown; change?: unknown };
    const what = describe(parsed.change);
    return what === undefined ? undefined : `record seq ${String(parsed.seq)}: ${what}`;
  } catch {
    return undefined;
  }
}

export interface RepairResult<S, C> {
  copy: string;
  lost: string[];
  scan: StoreScan<S, C>;
}

/**
 * Rebuilds a damaged store from what checks out, under the data dir's lock (the service must be
 * stopped): the originals are copied aside first, then the journal is rewritten (records
 * renumbered without gaps) and a damaged snapshot removed. Returns what was lost.
 */
export function repairStore<S, C>(dataDir: string, describe: DescribeChange): RepairResult<S, C> {
  const lock = lockDataDir(dataDir, '`thiscord rooms fsck --repair`');
  try {
    const files = readStoreFiles(dataDir);
    if (files.restoring)
      throw new Error('a restore was interrupted in this data dir: run `thiscord rooms restore FILE` again instead of repairing');
    const plan = planRepair(scanStore<S, C>(files), describe);
    const copy = keepCopy(dataDir, 'fsck');
    const journal = [encodeHeader(plan.base), ...plan.records.map((record, i) => encodeRecord(plan.base + i + 1, record.change))].join('');
    writeFileAtomic(path.join(dataDir, JOURNAL_FILE), journal);
    if (!plan.keepSnapshot && files.snapshot !== undefined) {
      unlinkSync(path.join(dataDir, SNAPSHOT_FILE));
      fsyncDirectory(dataDir);
    }
    const scan = scanStore<S, C>(readStoreFiles(dataDir));
    if (scan.problems.length > 0) throw new Error(`the repaired store in ${dataDir} still has problems; the originals are in ${copy}`);
    return { copy, lost: plan.lost, scan };
  } finally {
    lock.release();
  }
}
