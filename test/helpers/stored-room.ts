import type { StoredRoom } from '../../services/rooms/room-directory.js';
import { newInstanceId } from '../../src/tickets/room-instance.js';

/** A room as the journal stores it, owned by alice and with her in it; `extra` overrides any field. */
export const storedRoom = (name: string, extra: Partial<StoredRoom> = {}): StoredRoom => ({
  name,
  instance: newInstanceId(0),
  owner: 'alice',
  ownerKeyHash: '',
  topic: '',
  unlisted: false,
  passphrase: null,
  createdAt: 0,
  expiresAt: null,
  members: { alice: { name: 'alice', joinedAt: 0 } },
  revoked: {},
  ...extra,
});
