import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import { ROOMS_METHODS } from '../../../src/protocol/rooms-api.js';
import { verifyTicket } from '../../../src/tickets/ticket.js';
import { makeStackEnv, type StackEnv, startService } from '../../helpers/processes.js';
import { faultCodeOf, faultOf, methodCall, post } from '../../helpers/rpc.js';

const SECRET = 'rooms-rpc-test-secret-0123456789abcdef';
let stack: StackEnv;
let client: RoomsClient;

beforeAll(async () => {
  stack = await makeStackEnv();
  await startService('rooms', stack, ['--passphrase-tries', '3'], { THISCORD_SECRET: SECRET });
  client = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
});

afterAll(() => stack.cleanup());

describe('room service methods', () => {
  it('answers system.ping with pong on / and /RPC2', async () => {
    expect(await client.ping()).toBe('pong');
    expect((await post(stack.roomsPort, methodCall('system.ping'), { path: '/' })).body).toContain('<string>pong</string>');
  });

  it('creates a room whose creator is owner and member, with a ticket the hub can verify', async () => {
    const created = await client.createRoom('general', 'alice', { topic: 'anything' });
    expect(created).toMatchObject({
      room: 'general',
      user: 'alice',
      members: ['alice'],
      hub: { host: '127.0.0.1', port: stack.hubPort },
      private: false,
      topic: 'anything',
    });
    expect(created.owner_key.length).toBeGreaterThan(20);
    const check = verifyTicket(Buffer.from(SECRET), created.ticket);
    expect(check.ok && check.claims).toMatchObject({ user: 'alice', room: 'general' });
    expect(Date.parse(created.expires_at) - Date.now()).toBeGreaterThan(11 * 3600_000);
  });

  it('refuses a second room with the same name in any case', async () => {
    expect(await faultOf(client.createRoom('GENERAL', 'bob'))).toBe(100);
  });

  it('joins a user and lists members; the same name cannot be taken over', async () => {
    const bob = await client.joinRoom('general', 'bob');
    expect(bob.members).toEqual(['alice', 'bob']);
    expect(await faultOf(client.joinRoom('general', 'BOB'))).toBe(104);
    const again = await client.joinRoom('general', 'bob', { ticket: bob.ticket });
    expect(again.ticket).not.toBe(bob.ticket);
    expect(await faultOf(client.joinRoom('general', 'bob', { ticket: (await client.createRoom('other', 'bob')).ticket }))).toBe(104);
  });

  it('lists listed rooms with counts and hides unlisted rooms and private member names', async () => {
    await client.createRoom('secret-club', 'carol', { passphrase: 'open sesame', unlisted: true });
    await client.createRoom('private-study', 'carol', { passphrase: 'pw', ttl_seconds: 3600 });
    const rooms = await client.listRooms();
    expect(rooms.map((room) => room.name)).toEqual(['general', 'other', 'private-study']);
    const study = rooms.find((room) => room.name === 'private-study')!;
    expect(study).toMatchObject({ members: 1, private: true });
    expect(Date.parse(study.expires_at!)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(rooms)).not.toContain('carol');
    expect((await client.roomInfo('private-study')).member_names).toBeUndefined();
  });

  it('admits to a private room only with its passphrase, and slows down guessing', async () => {
    expect(await faultOf(client.joinRoom('private-study', 'dave'))).toBe(102);
    expect(await faultOf(client.joinRoom('private-study', 'dave', { passphrase: 'wrong1' }))).toBe(102);
    expect(await faultOf(client.joinRoom('private-study', 'dave', { passphrase: 'wrong2' }))).toBe(102);
    expect(await faultOf(client.joinRoom('private-study', 'dave', { passphrase: 'wrong3' }))).toBe(102);
    expect(await faultOf(client.joinRoom('private-study', 'dave', { passphrase: 'pw' }))).toBe(106);
    const viaStruct = await post(
      stack.roomsPort,
      methodCall(
        'join_room',
        '<param><value>secret-club</value></param><param><value>erin</value></param><param><value><string>open sesame</string></value></param>',
      ),
    );
    expect(faultCodeOf(viaStruct.body)).toBeUndefined();
  });

  it('shows private member names to a ticket holder in room_info', async () => {
    const otherRoomTicket = (await client.createRoom('x-carol', 'carol')).ticket;
    expect(await faultOf(client.roomInfo('secret-club', otherRoomTicket))).toBe(107);
    const erin = await client.joinRoom('secret-club', 'erin2', { passphrase: 'open sesame' });
    const info = await client.roomInfo('secret-club', erin.ticket);
    expect(info.member_names).toEqual(['carol', 'erin', 'erin2']);
    expect(await faultOf(client.roomInfo('secret-club', 'not-a-ticket'))).toBe(107);
  });

  it('lets a member leave with its ticket, freeing the name', async () => {
    const frank = await client.joinRoom('general', 'frank');
    expect(await client.leaveRoom('general', frank.ticket)).toMatchObject({ room: 'general', user: 'frank' });
    expect(await faultOf(client.leaveRoom('general', frank.ticket))).toBe(107);
    expect((await client.joinRoom('general', 'frank')).members).toContain('frank');
  });

  it('deletes and kicks only with the owner key', async () => {
    const owned = await client.createRoom('doomed', 'gina');
    const hal = await client.joinRoom('doomed', 'hal');
    expect(await faultOf(client.kick('doomed', 'not-the-key', 'hal'))).toBe(103);
    expect(await client.kick('doomed', owned.owner_key, 'hal')).toMatchObject({ user: 'hal', members: 1 });
    expect(await faultOf(client.joinRoom('doomed', 'hal', { ticket: hal.ticket }))).toBe(108);
    expect(await faultOf(client.leaveRoom('doomed', hal.ticket))).toBe(107);
    expect(await faultOf(client.deleteRoom('doomed', 'not-the-key'))).toBe(103);
    expect(await client.deleteRoom('doomed', owned.owner_key)).toMatchObject({ deleted: true });
    expect(await faultOf(client.roomInfo('doomed'))).toBe(101);
  });

  it('supports the introspection conventions', async () => {
    // The service implements exactly the methods src/protocol/rooms-api.ts defines.
    expect(await client.call('system.listMethods', [])).toEqual([...ROOMS_METHODS].sort());
    expect(await client.call('system.methodHelp', ['kick'])).toMatch(/^kick\(name, owner_key, user\)/);
    const results = await client.call('system.multicall', [
      [
        { methodName: 'system.ping', params: [] },
        { methodName: 'room_info', params: ['nowhere'] },
      ],
    ]);
    expect(results[0]).toEqual(['pong']);
    expect(results[1]).toMatchObject({ faultCode: 101 });
  });
});

describe('room service faults for bad calls', () => {
  it.each([
    ['an unknown method', methodCall('no_such_method'), -32601],
    ['too few parameters', methodCall('join_room', '<param><value>general</value></param>'), -32602],
    ['a wrong type', methodCall('join_room', '<param><value><int>5</int></value></param><param><value>bob</value></param>'), -32602],
    [
      'an invalid name',
      methodCall('create_room', '<param><value>no spaces allowed</value></param><param><value>bob</value></param>'),
      -32602,
    ],
    [
      'a bad option',
      methodCall(
        'create_room',
        '<param><value>ok-name</value></param><param><value>bob</value></param><param><value><struct><member><name>ttl_seconds</name><value><string>soon</string></value></member></struct></value></param>',
      ),
      -32602,
    ],
    ['malformed XML', '<methodCall><methodName>list_rooms</methodName><params>', -32700],
    ['not XML at all', 'hello there', -32700],
    [
      'a response instead of a call',
      '<?xml version="1.0"?><methodResponse><params><param><value>x</value></param></params></methodResponse>',
      -32600,
    ],
    [
      'an entity-expansion document',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><methodCall><methodName>&lol2;</methodName></methodCall>',
      -32700,
    ],
  ])('answers %s with fault %d, then keeps serving', async (_name, body, code) => {
    const answer = await post(stack.roomsPort, body);
    expect(answer.status).toBe(200);
    expect(faultCodeOf(answer.body)).toBe(code);
    expect(await client.ping()).toBe('pong');
  });

  it('names the parameter and the rule in a -32602 message', async () => {
    const answer = await post(
      stack.roomsPort,
      methodCall('create_room', '<param><value>bad name</value></param><param><value>bob</value></param>'),
    );
    expect(answer.body).toContain('create_room: parameter 1 (name) must be 1 to 32 letters, digits');
  });

  it('answers a body over 1 MiB with HTTP 413, then keeps serving', async () => {
    const huge = methodCall('list_rooms', `<param><value>${'x'.repeat(1024 * 1024 + 10)}</value></param>`);
    const answer = await post(stack.roomsPort, huge);
    expect(answer.status).toBe(413);
    expect(await client.ping()).toBe('pong');
  });

  it('answers other HTTP methods and paths plainly, never with 404', async () => {
    expect((await post(stack.roomsPort, '', { method: 'GET' })).status).toBe(405);
    expect((await post(stack.roomsPort, methodCall('system.ping'), { path: '/elsewhere' })).status).toBe(400);
  });
});

describe('room service request deadline', () => {
  it('cuts off a request whose body does not arrive in time, and keeps serving', async () => {
    const own = await makeStackEnv();
    await startService('rooms', own, ['--request-timeout', '500ms']);
    const { default: net } = await import('node:net');
    const socket = net.connect(own.roomsPort, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<methodCall>');
    const started = Date.now();
    await closed;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(await new RoomsClient({ host: '127.0.0.1', port: own.roomsPort }).ping()).toBe('pong');
    own.cleanup();
  });
});
