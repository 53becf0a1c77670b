import { nameKey } from '../../protocol/names.js';

/**
 * Who is connected now, per room the client is in: filled by the hub's `who` answer after each
 * join and kept current by presence frames. Distinct from a room's members (the room service's
 * list of who has joined, online or not).
 */
export class OnlineUsers {
  private readonly rooms = new Map<string, Map<string, string>>();

  set(room: string, users: readonly string[]): void {
    this.rooms.set(nameKey(room), new Map(users.map((user) => [nameKey(user), user])));
  }

  arrived(room: string, user: string): void {
    this.rooms.get(nameKey(room))?.set(nameKey(user), user);
  }

  departed(room: string, user: string): void {
    this.rooms.get(nameKey(room))?.delete(nameKey(user));
  }

  forget(room: string): void {
    this.rooms.delete(nameKey(room));
  }

  /** Undefined for a room whose presence this client does not follow. */
  in(room: string): string[] | undefined {
    const users = this.rooms.get(nameKey(room));
    return users ? [...users.values()].sort() : undefined;
  }

  /** Everyone online in any of the client's rooms. */
  everyone(): string[] {
    return [...new Set([...this.rooms.values()].flatMap((users) => [...users.values()]))];
  }
}
