import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Push } from 'zeromq';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import { encodeEnvelope } from '../../../src/events/envelope.js';
import { makeEvent } from '../../../src/events/types.js';
import { RawHubClient } from '../../helpers/hub-client.js';
import { makeStackEnv, type StackEnv, startService, type TestProcess } from '../../helpers/processes.js';
import { faultOf } from '../../helpers/rpc.js';
import { waitFor } from '../../helpers/wait.js';

const SECRET = 'instances-test-secret-0123456789abcdef';
let stack: StackEnv;
let hub: TestProcess;
let rooms: RoomsClient;

beforeAll(async () => {
  stack = await makeStackEnv();
  await startService('broker', stack, [], { THISCORD_SECRET: SECRET });
  await startService('rooms', stack, [], { THISCORD_SECRET: SECRET });
  hub = await startService('hub', stack, [], { THISCORD_SECRET: SECRET });
  rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
});

afterAll(() => stack.cleanup());

async function hubAnswer(ticket: string): Promise<{ type: string; code?: string }> {
  const client = await RawHubClient.connect(stack.hubPort);
  client.send({ type: 'hello', ticket });
  const frame = await client.waitFor('welcome or error', (f) => f.type === 'welcome' || f.type === 'error');
  client.close();
  return frame as { type: string; code?: string };
}

async function restartHub(): Promise<void> {
  hub.kill('SIGKILL');
  await hub.exited;
  hub = await startService('hub', stack, [], { THISCORD_SECRET: SECRET });
}

describe('room instances', () => {
  it("gives an old room's tickets nothing in a later room of the same name, at the room service or the hub, even after a hub restart", async () => {
    const first = await rooms.createRoom('reused', 'alice', { passphrase: 'first' });
    const bobs = await rooms.joinRoom('reused', 'bob', { passphrase: 'first' });
    await rooms.deleteRoom('reused', first.owner_key);
    await rooms.createRoom('reused', 'alice', { passphrase: 'second' });

    // The old owner's and member's tickets prove nothing about the new room.
    expect(await faultOf(rooms.joinRoom('reused', 'alice', { ticket: first.ticket }))).toBe(102);
    expect(await faultOf(rooms.joinRoom('reused', 'bob', { ticket: bobs.ticket }))).toBe(102);
    expect(await faultOf(rooms.roomInfo('reused', bobs.ticket))).toBe(107);
    expect(await faultOf(rooms.leaveRoom('reused', bobs.ticket))).toBe(107);

    await waitFor('the hub to refuse the old ticket', async () => (await hubAnswer(bobs.ticket)).code === 'room_closed');
    await restartHub();
    // Synchronised at start: the hub knows the open instance without having seen any event.
    await waitFor('the restarted hub to refuse the old ticket', async () => (await hubAnswer(bobs.ticket)).code === 'room_closed');
    const fresh = await rooms.joinRoom('reused', 'carol', { passphrase: 'second' });
    expect(await hubAnswer(fresh.ticket)).toMatchObject({ type: 'welcome' });
  });

  it('remembers kicks across a hub restart, from the room service', async () => {
    const owner = await rooms.createRoom('kicks', 'alice');
    const bob = await rooms.joinRoom('kicks', 'bob');
    await rooms.kick('kicks', owner.owner_key, 'bob');
    await restartHub();
    await waitFor('the restarted hub to refuse the kicked ticket', async () => (await hubAnswer(bob.ticket)).code === 'bad_ticket');
    expect(await hubAnswer(owner.ticket)).toMatchObject({ type: 'welcome' });
  });

  it('ignores room events the room service did not sign, and logs their source', async () => {
    await rooms.createRoom('forged', 'alice');
    const bob = await rooms.joinRoom('forged', 'bob');
    const member = await RawHubClient.hello(stack.hubPort, bob.ticket);
    const push = new Push({ linger: 1000 });
    push.connect(`tcp://127.0.0.1:${stack.brokerPullPort}`);
    const far = Date.UTC(2099, 0, 1);
    for (let i = 0; i < 50; i++) {
      await push.send(
        encodeEnvelope('room/forged', {
          ...makeEvent('room.kicked', 'rooms', {
            room: 'forged',
            instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA',
            user: 'bob',
            by: 'alice',
            members: 1,
            revoked_before: far,
          }),
          sig: 'A'.repeat(43),
        }),
      );
      await push.send(
        encodeEnvelope(
          'room/forged',
          makeEvent('room.deleted', 'mallory' as 'rooms', { room: 'forged', instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA', user: 'alice' }),
        ),
      );
    }
    await hub.waitForLine(
      'the refusal logged with its source',
      (line) => line.msg === 'ignoring room events that the room service did not sign' && line.source === 'mallory',
    );
    // Still a member, still chatting, and still welcome with the same ticket.
    member.send({ type: 'say', room: 'forged', text: 'still here', id: 1 });
    await member.waitFor('ack', (f) => f.type === 'ack');
    expect(await hubAnswer(bob.ticket)).toMatchObject({ type: 'welcome' });
    push.close();
    member.close();
  });

  it('resynchronises when its broker connection comes back, so an event it never received changes nothing', async () => {
    // A hub whose broker is not the room service's: no room event ever reaches it.
    const elsewhere = await makeStackEnv();
    const env = { THISCORD_SECRET: SECRET, THISCORD_ROOMS_PORT: String(stack.roomsPort) };
    const deaf = await startService('hub', elsewhere, [], env);
    try {
      const owner = await rooms.createRoom('lost', 'alice');
      const bob = await rooms.joinRoom('lost', 'bob');
      const ask = async (ticket: string) => {
        const client = await RawHubClient.connect(elsewhere.hubPort);
        client.send({ type: 'hello', ticket });
        const frame = await client.waitFor('welcome or error', (f) => f.type === 'welcome' || f.type === 'error');
        client.close();
        return frame as { type: string; code?: string };
      };
      expect(await ask(bob.ticket)).toMatchObject({ type: 'welcome' });
      await rooms.deleteRoom('lost', owner.owner_key);
      await rooms.createRoom('lost', 'dave');
      // Its broker appears: the hub's subscription connects, and it asks the room service what is open.
      await startService('broker', elsewhere, [], env);
      await waitFor('the hub to refuse the deleted room ticket', async () => (await ask(bob.ticket)).code === 'room_closed', {
        timeoutMs: 15_000,
      });
    } finally {
      deaf.kill('SIGKILL');
      elsewhere.cleanup();
    }
  });
});
