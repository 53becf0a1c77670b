import { hash } from 'node:crypto';

/**
 * The room store's on-disk format (docs/rooms-rpc.md, "Storage"). Every unit is
 * `<checksum> <json>`, the checksum being the first 16 hex digits of the SHA-256 of the JSON's
 * bytes: a journal line per record (ended by `\n`), the journal's first line a header naming the
 * sequence number it continues from, and the snapshot one unit without a line end.
 */
export const JOURNAL_FILE = 'rooms.journal';
export const SNAPSHOT_FILE = 'rooms.snapshot';
/** Space set aside so that the change being written when the disk fills can still be finished. */
export const RESERVE_FILE = 'rooms.reserve';
/** Present while `thiscord rooms restore` replaces the files: a start-up that finds it refuses. */
export const RESTORING_FILE = 'rooms.restoring';

const CHECKSUM_CHARS = 16;

export function checksum(body: string | Buffer): string {
  // One-shot: a third of createHash's cost on a journal record, and every durable change pays it.
  return hash('sha256', body, 'hex').slice(0, CHECKSUM_CHARS);
}

/** `<checksum> <json>`: the one unit every file of the store (and a backup) is made of. */
export const unit = (body: string): string => `${checksum(body)} ${body}`;

export interface JournalHeader {
  journal: 'thiscord-rooms';
  /** The records in this journal continue the state at this sequence number (the snapshot's). */
  after: number;
}

export const encodeHeader = (after: number): string =>
  `${unit(JSON.stringify({ journal: 'thiscord-rooms', after } satisfies JournalHeader))}\n`;

export const encodeRecord = (seq: number, change: unknown): string => `${unit(JSON.stringify({ seq, change }))}\n`;

export const encodeSnapshot = (seq: number, state: unknown): string => unit(JSON.stringify({ seq, state }));

/** The JSON body of a `<checksum> <json>` unit when its checksum matches, else undefined. */
export function verifiedBody(data: Buffer): string | undefined {
  if (data.length <= CHECKSUM_CHARS + 1 || data[CHECKSUM_CHARS] !== 0x20) return undefined;
  const body = data.subarray(CHECKSUM_CHARS + 1);
  if (checksum(body) !== data.subarray(0, CHECKSUM_CHARS).toString('latin1')) return undefined;
  return body.toString('utf8');
}
