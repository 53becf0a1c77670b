import type { HistoryEntry } from '../../src/protocol/frames.js';
import { isValidName, nameKey } from '../../src/protocol/names.js';
import type { Admission } from '../../src/protocol/rooms-api.js';

/** IRC channels are ThisCord rooms: `#study-group` is the room `study-group`. */
export const CHANNEL_PREFIX = '#';

export const channelOf = (room: string): string => `${CHANNEL_PREFIX}${room}`;

/** The room a channel name stands for, or undefined when it is not `#` and a valid room name. */
export function roomOf(channel: string): string | undefined {
  if (!channel.startsWith(CHANNEL_PREFIX)) return undefined;
  const room = channel.slice(CHANNEL_PREFIX.length);
  return isValidName(room) ? room : undefined;
}

/**
 * A client's view of one room it is in. `joining` until the hub confirms the join (its history
 * frame); `joined` from then on, including while the hub connection is re-established.
 */
export interface Channel {
  room: string;
  admission: Admission;
  /** The owner key, when this client created the room (it is shown only at creation). */
  ownerKey: string | undefined;
  owner: string;
  topic: string;
  private: boolean;
  /** The passphrase this client joined with, shown back in MODE to the client alone. */
  key: string | undefined;
  createdAt: string;
  phase: 'joining' | 'joined';
  /** nameKey → name of everyone the hub says is here, this client included. */
  members: Map<string, string>;
  /** The newest message shown, so that history replayed on a rejoin shows nothing twice. */
  lastSeen: { ts: string; seq: number } | undefined;
  /** History held back until the names list has gone out. */
  pendingHistory: HistoryEntry[];
}

export const channelName = (channel: Channel): string => channelOf(channel.room);

/** Whether an entry is newer than the last one shown: timestamps first (sequence numbers restart with the hub). */
export function isUnseen(channel: Channel, entry: { ts: string; seq: number }): boolean {
  const last = channel.lastSeen;
  return !last || entry.ts > last.ts || (entry.ts === last.ts && entry.seq > last.seq);
}

export function isOwner(channel: Channel, name: string): boolean {
  return nameKey(channel.owner) === nameKey(name);
}
