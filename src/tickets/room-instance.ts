/**
 * A room instance is a room of one name from its creation to its deletion or expiry; a later room
 * of the same name is another instance. Tickets, events and the hub's history name the instance,
 * so nothing granted for one room carries over to the next one that happens to share its name.
 *
 * An id is `<creation time, ms, base 36>.<96 random bits, base64url>`: unguessable, and ordered by
 * creation, so a hub that missed events can still tell which of two instances is the newer.
 */
const INSTANCE_ID = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{16})$/;

export function newInstanceId(createdAt: number): string {
  // Web Crypto and btoa rather than node:crypto and Buffer: this module's types reach the browser
  // client (through src/protocol/rooms-api.ts), which is built without Node's.
  const random = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(12))));
  return `${Math.trunc(createdAt).toString(36)}.${random.replace(/\+/g, '-').replace(/\//g, '_')}`;
}

export function isInstanceId(value: unknown): value is string {
  return typeof value === 'string' && INSTANCE_ID.test(value);
}

/** When the instance was created (ms since the epoch), read from its id. */
export function instanceCreatedAt(id: string): number {
  const match = INSTANCE_ID.exec(id);
  if (!match) throw new Error(`not a room instance id: ${JSON.stringify(id).slice(0, 40)}`);
  return Number.parseInt(match[1]!, 36);
}
