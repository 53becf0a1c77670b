import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient, RoomsFault } from '../../../src/clients/rooms/rooms-client.js';
import { EventCollector } from '../../helpers/events.js';
import { makeStackEnv, type StackEnv, startService } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

let stack: StackEnv;
let events: EventCollector;

beforeAll(async () => {
  stack = await makeStackEnv();
  await startService('broker', stack, ['--stats-interval', '0']);
  events = new EventCollector(stack, ['room/']);
  await events.ready();
  await startService('rooms', stack, ['--expiry-check', '100ms']);
});

afterAll(async () => {
  await events.close();
  stack.cleanup();
});

describe('temporary rooms and room events', () => {
  it('deletes a room when its TTL runs out and publishes room.expired', async () => {
    const client = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    await client.createRoom('short-lived', 'alice', { ttl_seconds: 1 });
    await client.joinRoom('short-lived', 'bob');
    expect((await client.listRooms()).map((room) => room.name)).toContain('short-lived');
    const expired = await events.waitForType('room.expired', (p) => p.room === 'short-lived', 5000);
    expect(expired.topic).toBe('room/short-lived');
    expect(expired.payload).toMatchObject({ source: 'rooms', members: 2 });
    await waitFor('the room to leave the list', async () => !(await client.listRooms()).some((room) => room.name === 'short-lived'));
    await expect(client.roomInfo('short-lived')).rejects.toBeInstanceOf(RoomsFault);
  });

  it('answers room_expired for a room whose time ran out before the next sweep, then forgets it', async () => {
    const own = await makeStackEnv();
    try {
      // No sweep during the test: the call itself must notice the expiry.
      await startService('rooms', own, ['--expiry-check', '1h']);
      const client = new RoomsClient({ host: '127.0.0.1', port: own.roomsPort });
      const created = await client.createRoom('brief', 'alice', { ttl_seconds: 1 });
      await waitFor('the room to pass its expiry time', () => Date.now() > Date.parse(created.room_expires_at!) + 10);
      expect((await client.listRooms()).map((room) => room.name)).not.toContain('brief');
      await expect(client.joinRoom('brief', 'bob')).rejects.toMatchObject({ code: 105 });
      await expect(client.roomInfo('brief')).rejects.toMatchObject({ code: 101 });
      expect((await client.createRoom('brief', 'carol')).owner_key).toBeTruthy();
    } finally {
      own.cleanup();
    }
  });

  it('publishes created, joined, left, kicked and deleted with names and counts only', async () => {
    const client = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    const owner = await client.createRoom('evented', 'alice', { passphrase: 'hunter2' });
    const bob = await client.joinRoom('evented', 'bob', { passphrase: 'hunter2' });
    await client.joinRoom('evented', 'carol', { passphrase: 'hunter2' });
    await client.leaveRoom('evented', bob.ticket);
    await client.kick('evented', owner.owner_key, 'carol');
    await client.deleteRoom('evented', owner.owner_key);
    await events.waitForType('room.deleted', (p) => p.room === 'evented');
    const mine = events.events.filter((event) => event.topic === 'room/evented').map((event) => event.payload as Record<string, unknown>);
    expect(mine.map((p) => p.type)).toEqual(['room.created', 'room.joined', 'room.joined', 'room.left', 'room.kicked', 'room.deleted']);
    expect(mine[0]).toMatchObject({ room: 'evented', user: 'alice', private: true, members: 1 });
    expect(mine.slice(1, 3)).toMatchObject([
      { user: 'bob', members: 2 },
      { user: 'carol', members: 3 },
    ]);
    expect(mine[4]).toMatchObject({ user: 'carol', by: 'alice', members: 1 });
    expect(typeof mine[4]!.revoked_before).toBe('number');
    const text = JSON.stringify(mine);
    for (const secret of ['hunter2', owner.owner_key, owner.ticket, bob.ticket]) expect(text).not.toContain(secret);
  });
});

describe('expiry at start-up', () => {
  it('removes rooms that expired while the service was down before it answers anything', async () => {
    const own = await makeStackEnv();
    // No sweep during the test: only the start-up check can remove the room.
    const first = await startService('rooms', own, ['--expiry-check', '1h']);
    const client = new RoomsClient({ host: '127.0.0.1', port: own.roomsPort });
    const created = await client.createRoom('while-away', 'alice', { ttl_seconds: 1 });
    first.kill('SIGTERM');
    await first.waitForExit();
    await waitFor('the room to be past its expiry', () => Date.now() > Date.parse(created.room_expires_at!), { timeoutMs: 3000 });
    const second = await startService('rooms', own, ['--expiry-check', '1h']);
    // A room found expired lazily answers 105; one removed at start-up is simply gone (101).
    await expect(client.roomInfo('while-away')).rejects.toMatchObject({ code: 101 });
    expect(second.lines.some((line) => line.msg === 'room expired' && line.room === 'while-away')).toBe(true);
    second.kill('SIGTERM');
    own.cleanup();
  });
});
