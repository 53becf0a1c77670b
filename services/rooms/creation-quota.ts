import { nameKey } from '../../src/protocol/names.js';
import { RpcFault } from './faults.js';

export interface RoomQuotas {
  /** Rooms that may exist at once. */
  maxRooms: number;
  /** Rooms one user name may create, and one client address, within `quotaWindowMs`. */
  maxRoomsPerUser: number;
  maxRoomsPerAddress: number;
  quotaWindowMs: number;
}

/**
 * Bounds room creation, in total and per creator: names are free to pick, so the per-address
 * count is what holds a flood from one source, the per-user one what holds a single name. Counts
 * are of creations in the last window, kept only while they matter and at most `maxTracked`
 * creators, so this bookkeeping is bounded too.
 */
export class CreationQuota {
  private readonly recent = new Map<string, number[]>();
  private readonly maxTracked = 100_000;

  constructor(private readonly quotas: RoomQuotas) {}

  check(rooms: number, user: string, address: string, now = Date.now()): void {
    if (rooms >= this.quotas.maxRooms) {
      throw new RpcFault('too_many_rooms', `the room service holds its most rooms (${this.quotas.maxRooms}); delete one, or try later`);
    }
    const window = Math.round(this.quotas.quotaWindowMs / 60_000);
    if (this.count(`user ${nameKey(user)}`, now) >= this.quotas.maxRoomsPerUser) {
      throw new RpcFault(
        'too_many_rooms',
        `${user} created ${this.quotas.maxRoomsPerUser} rooms in the last ${window} min; wait before creating another`,
      );
    }
    if (this.count(`addr ${address}`, now) >= this.quotas.maxRoomsPerAddress) {
      throw new RpcFault(
        'too_many_rooms',
        `your address created ${this.quotas.maxRoomsPerAddress} rooms in the last ${window} min; wait before creating another`,
      );
    }
  }

  record(user: string, address: string, now = Date.now()): void {
    for (const key of [`user ${nameKey(user)}`, `addr ${address}`]) {
      const times = this.live(key, now);
      times.push(now);
      this.recent.delete(key);
      this.recent.set(key, times);
    }
    while (this.recent.size > this.maxTracked) this.recent.delete(this.recent.keys().next().value!);
  }

  private count(key: string, now: number): number {
    return this.live(key, now).length;
  }

  private live(key: string, now: number): number[] {
    const times = (this.recent.get(key) ?? []).filter((at) => at > now - this.quotas.quotaWindowMs);
    if (times.length === 0) this.recent.delete(key);
    return times;
  }
}
