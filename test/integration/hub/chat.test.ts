import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Push } from 'zeromq';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import { encodeEnvelope } from '../../../src/events/envelope.js';
import { signTicket } from '../../../src/tickets/ticket.js';
import { EventCollector } from '../../helpers/events.js';
import { RawHubClient } from '../../helpers/hub-client.js';
import { makeStackEnv, type StackEnv, startService, type TestProcess } from '../../helpers/processes.js';
import { instanceOf } from '../../helpers/tickets.js';
import { waitFor } from '../../helpers/wait.js';

let stack: StackEnv;
let rooms: RoomsClient;
let events: EventCollector;
let hub: TestProcess;

beforeAll(async () => {
  stack = await makeStackEnv();
  await startService('broker', stack, ['--stats-interval', '0']);
  events = new EventCollector(stack, ['user/', 'room/']);
  await events.ready();
  await startService('rooms', stack, ['--expiry-check', '100ms']);
  hub = await startService('hub', stack);
  rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
});

afterAll(async () => {
  await events.close();
  stack.cleanup();
});

describe('chat hub with real tickets', () => {
  it('acks the sender, relays to the other member and to nobody outside the room', async () => {
    const alice = await RawHubClient.hello(stack.hubPort, (await rooms.createRoom('lobby', 'alice')).ticket);
    const bob = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom('lobby', 'bob')).ticket);
    const outsider = await RawHubClient.hello(stack.hubPort, (await rooms.createRoom('elsewhere', 'carol')).ticket);
    await alice.waitFor('bob joins', (f) => f.type === 'presence' && f.user === 'bob' && f.event === 'join');
    alice.send({ type: 'say', room: 'lobby', text: 'hello bob', id: 'a1' });
    const ack = await alice.waitFor('ack', (f) => f.type === 'ack');
    expect(ack).toMatchObject({ type: 'ack', id: 'a1', room: 'lobby', seq: 1 });
    const message = await bob.waitFor('message', (f) => f.type === 'message');
    expect(message).toMatchObject({ type: 'message', room: 'lobby', from: 'alice', text: 'hello bob', seq: 1 });
    bob.send({ type: 'who', room: 'lobby' });
    expect(await bob.waitFor('who', (f) => f.type === 'who')).toEqual({ type: 'who', room: 'lobby', users: ['alice', 'bob'] });
    outsider.send({ type: 'say', room: 'lobby', text: 'let me in', id: 'x' });
    expect(await outsider.waitFor('not_in_room', (f) => f.type === 'error')).toMatchObject({ code: 'not_in_room', ref: 'x' });
    expect(outsider.of('message')).toEqual([]);
    expect(alice.of('message')).toEqual([]);
    for (const c of [alice, bob, outsider]) c.close();
  });

  it('replays the room history to someone who joins', async () => {
    const owner = await rooms.createRoom('history-room', 'dora');
    const dora = await RawHubClient.hello(stack.hubPort, owner.ticket);
    for (let i = 1; i <= 3; i++) dora.send({ type: 'say', room: 'history-room', text: `line ${i}`, id: i });
    await dora.waitFor('three acks', () => dora.of('ack').length === 3);
    const eve = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom('history-room', 'eve')).ticket);
    const history = await eve.waitFor('history', (f) => f.type === 'history');
    expect(history.type === 'history' && history.messages.map((m) => [m.from, m.text, m.seq])).toEqual([
      ['dora', 'line 1', 1],
      ['dora', 'line 2', 2],
      ['dora', 'line 3', 3],
    ]);
    dora.close();
    await eve.waitFor('dora leaves', (f) => f.type === 'presence' && f.user === 'dora' && f.event === 'leave');
    eve.close();
    // Everyone has gone; whoever comes next still finds what was said, numbered on from there.
    const later = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom('history-room', 'finn')).ticket);
    const kept = await later.waitFor('history', (f) => f.type === 'history');
    expect(kept.type === 'history' && kept.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    later.send({ type: 'say', room: 'history-room', text: 'line 4', id: 4 });
    expect(await later.waitFor('ack', (f) => f.type === 'ack')).toMatchObject({ seq: 4 });
    later.close();
  });

  it('delivers to both connections of a user connected twice, and joins a second room with join', async () => {
    const created = await rooms.createRoom('twice', 'fred');
    const first = await RawHubClient.hello(stack.hubPort, created.ticket);
    const second = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom('twice', 'fred', { ticket: created.ticket })).ticket);
    const gina = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom('twice', 'gina')).ticket);
    gina.send({ type: 'say', room: 'twice', text: 'to both of you' });
    await first.waitFor('message', (f) => f.type === 'message');
    await second.waitFor('message', (f) => f.type === 'message');
    const side = await rooms.createRoom('side-room', 'hal');
    const fredSide = await rooms.joinRoom('side-room', 'fred');
    first.send({ type: 'join', ticket: fredSide.ticket });
    await first.waitFor('side-room history', (f) => f.type === 'history' && f.room === 'side-room');
    first.send({ type: 'join', ticket: side.ticket });
    expect(await first.waitFor('wrong user', (f) => f.type === 'error')).toMatchObject({ code: 'bad_ticket' });
    for (const c of [first, second, gina]) c.close();
  });

  it('refuses forged and expired tickets', async () => {
    const forged = await RawHubClient.connect(stack.hubPort);
    forged.send({
      type: 'hello',
      ticket: signTicket(Buffer.from('not the secret at all, not at all!'), {
        user: 'mallory',
        room: 'lobby',
        instance: instanceOf('lobby'),
        iat: Date.now(),
        exp: Date.now() + 60_000,
      }),
    });
    expect(await forged.waitFor('error', (f) => f.type === 'error')).toMatchObject({ code: 'bad_ticket' });
    const { readFileSync } = await import('node:fs');
    const secret = Buffer.from(readFileSync(`${stack.dataDir}/ticket-secret`, 'utf8').trim());
    const expired = await RawHubClient.connect(stack.hubPort);
    expired.send({
      type: 'hello',
      ticket: signTicket(secret, {
        user: 'old',
        room: 'lobby',
        instance: instanceOf('lobby'),
        iat: Date.now() - 10_000,
        exp: Date.now() - 1,
      }),
    });
    expect(await expired.waitFor('error', (f) => f.type === 'error')).toMatchObject({ code: 'ticket_expired' });
    expired.send({ type: 'say', room: 'lobby', text: 'sneak' });
    expect(await expired.waitFor('second error', () => expired.of('error').length === 2)).toBeTruthy();
    expect(expired.of('error')[1]).toMatchObject({ code: 'bad_ticket' });
    forged.close();
    expired.close();
  });

  it('removes a kicked user at once and refuses the kicked ticket afterwards', async () => {
    const owner = await rooms.createRoom('strict', 'ivan');
    const judy = await rooms.joinRoom('strict', 'judy');
    const ivanConn = await RawHubClient.hello(stack.hubPort, owner.ticket);
    const judyConn = await RawHubClient.hello(stack.hubPort, judy.ticket);
    await rooms.kick('strict', owner.owner_key, 'judy');
    await judyConn.waitFor('kicked presence', (f) => f.type === 'presence' && f.event === 'kicked');
    await ivanConn.waitFor('kicked presence', (f) => f.type === 'presence' && f.event === 'kicked' && f.user === 'judy');
    judyConn.send({ type: 'say', room: 'strict', text: 'still here?', id: 'k' });
    expect(await judyConn.waitFor('not_in_room', (f) => f.type === 'error')).toMatchObject({ code: 'not_in_room' });
    const retry = await RawHubClient.connect(stack.hubPort);
    retry.send({ type: 'hello', ticket: judy.ticket });
    expect(await retry.waitFor('refused', (f) => f.type === 'error')).toMatchObject({ code: 'bad_ticket' });
    for (const c of [ivanConn, judyConn, retry]) c.close();
  });

  it('closes a room for its members when it expires or is deleted', async () => {
    const temp = await rooms.createRoom('fleeting', 'kim', { ttl_seconds: 1 });
    const kim = await RawHubClient.hello(stack.hubPort, temp.ticket);
    expect(await kim.waitFor('room_closed', (f) => f.type === 'error', 5000)).toMatchObject({ code: 'room_closed', ref: 'fleeting' });
    const doomed = await rooms.createRoom('doomed', 'lee');
    const lee = await RawHubClient.hello(stack.hubPort, doomed.ticket);
    await rooms.deleteRoom('doomed', doomed.owner_key);
    expect(await lee.waitFor('room_closed', (f) => f.type === 'error')).toMatchObject({ code: 'room_closed' });
    const again = await RawHubClient.connect(stack.hubPort);
    again.send({ type: 'hello', ticket: doomed.ticket });
    expect(await again.waitFor('refused', (f) => f.type === 'error')).toMatchObject({ code: 'room_closed' });
    for (const c of [kim, lee, again]) c.close();
  });

  it('acts only on well-formed room events on their own topic, and counts the others it drops', async () => {
    const created = await rooms.createRoom('guarded', 'nina');
    const nina = await RawHubClient.hello(stack.hubPort, created.ticket);
    // Linger: the frames must still leave after close(), whatever the connection's progress by then.
    const push = new Push({ linger: 2000 });
    push.connect(`tcp://127.0.0.1:${stack.brokerPullPort}`);
    const deleted = { type: 'room.deleted', ts: new Date().toISOString(), source: 'rooms', room: 'guarded', user: 'nina' };
    try {
      await push.send(encodeEnvelope('room/elsewhere', deleted));
      await push.send(encodeEnvelope('room/guarded', { ...deleted, user: 7 }));
      await push.send(encodeEnvelope('room/guarded', { type: 'room.deleted', room: 'guarded' }));
      await push.send(encodeEnvelope('room/guarded', { ...deleted, type: 'room.demolished' }));
    } finally {
      push.close();
    }
    const warned = (): Record<string, unknown> | undefined =>
      hub.lines.filter((line) => String(line.msg).includes('room event')).at(-1) as Record<string, unknown> | undefined;
    await waitFor('the hub to count four refused room events', () => warned()?.dropped_total === 4);
    expect(
      hub.lines.filter((line) => String(line.msg).includes('room event')).reduce((sum, line) => sum + (line.dropped as number), 0),
    ).toBe(4);
    nina.send({ type: 'say', room: 'guarded', text: 'still open?', id: 'g1' });
    expect(await nina.waitFor('ack', (f) => f.type === 'ack' || f.type === 'error')).toMatchObject({ type: 'ack', room: 'guarded' });
    nina.close();
  });

  it('publishes login and logout with names and counts, never message text', async () => {
    const canary = `canary-${Date.now()}`;
    const created = await rooms.createRoom('evented-chat', 'max');
    const max = await RawHubClient.hello(stack.hubPort, created.ticket);
    max.send({ type: 'say', room: 'evented-chat', text: canary, id: 1 });
    await max.waitFor('ack', (f) => f.type === 'ack');
    max.close();
    const logout = await events.waitForType('user.logout', (p) => p.user === 'max');
    expect(logout.topic).toBe('user/max');
    expect(logout.payload).toMatchObject({ rooms: ['evented-chat'], connections: 0 });
    const login = events.events.find((e) => e.topic === 'user/max' && (e.payload as { type: string }).type === 'user.login');
    expect(login?.payload).toMatchObject({ user: 'max', rooms: ['evented-chat'], connections: 1, source: 'hub' });
    expect(JSON.stringify(events.events)).not.toContain(canary);
    expect(hub.output).not.toContain(canary);
  });

  it('answers ping before hello, for health probes', async () => {
    const probe = await RawHubClient.connect(stack.hubPort);
    probe.send({ type: 'ping', id: 'probe-1' });
    expect(await probe.waitFor('pong', (f) => f.type === 'pong')).toEqual({ type: 'pong', id: 'probe-1' });
    probe.close();
  });
});
