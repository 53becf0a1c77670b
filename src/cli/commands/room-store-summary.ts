import { type DirectoryState, type RoomChange, RoomDirectory } from '../../../services/rooms/room-directory.js';
import type { DescribeChange } from '../../storage/store-repair.js';
import type { StoreScan } from '../../storage/store-scan.js';

export type RoomStoreScan = StoreScan<DirectoryState, RoomChange>;

/** How many rooms the room service would hold on this store (expired ones not yet removed). */
export function roomCount(scan: RoomStoreScan): number {
  const snapshotSeq = scan.snapshot.status === 'ok' ? scan.snapshot.seq : 0;
  const changes = scan.records.filter((record) => record.seq > snapshotSeq).map((record) => record.change);
  return RoomDirectory.from(scan.snapshot.status === 'ok' ? scan.snapshot.state : undefined, changes).size;
}

/** "snapshot at seq 40 + 60 journal records (to seq 100)". */
export function storeExtent(scan: RoomStoreScan): string {
  const snapshot = scan.snapshot.status === 'ok' ? `snapshot at seq ${scan.snapshot.seq}` : 'no snapshot';
  return `${snapshot} + ${scan.records.length} journal record(s) (to seq ${scan.lastSeq})`;
}

/** A damaged record's change, as far as it can be read: "join room study-group (bob)". */
export const describeRoomChange: DescribeChange = (change) => {
  if (typeof change !== 'object' || change === null) return undefined;
  const { op, room, user } = change as { op?: unknown; room?: unknown; user?: unknown };
  const name = typeof room === 'string' ? room : (room as { name?: unknown } | undefined)?.name;
  if (typeof op !== 'string' || typeof name !== 'string') return undefined;
  return `${op} room ${name}${typeof user === 'string' ? ` (${user})` : ''}`;
};
