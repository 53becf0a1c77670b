import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHubClient } from '../../helpers/hub-client.js';
import { startLoneHub } from '../../helpers/lone-hub.js';
import type { StackEnv } from '../../helpers/processes.js';
import { ticket } from '../../helpers/tickets.js';

const SENDERS = 5;
const EACH = 40;

let stack: StackEnv;

beforeAll(async () => {
  // No time at all for input in a turn: all but the first input of each turn waits its turn in
  // slices, its socket paused, as it does when the hub is behind (services/hub/turn-slices.ts).
  ({ stack } = await startLoneHub(['--turn-slice', '0ms', '--rate', '10000', '--burst', '10000']));
});

afterAll(() => stack.cleanup());

describe('input that waits its turn while the hub is behind', () => {
  it('is all relayed, each sender in order, and a ping between is still answered', async () => {
    const clients = await Promise.all(
      Array.from({ length: SENDERS }, (_, k) => RawHubClient.hello(stack.hubPort, ticket(`sender${k}`, 'crowded'))),
    );
    // Welcomed after every sender was: a member when the first message comes.
    const watcher = await RawHubClient.hello(stack.hubPort, ticket('watcher', 'crowded'));
    for (let i = 0; i < EACH; i++)
      for (const [k, client] of clients.entries()) client.send({ type: 'say', room: 'crowded', text: `s${k} m${i}`, id: i });
    watcher.send({ type: 'ping', id: 'between' });
    await watcher.waitFor('all messages', () => watcher.of('message').length === SENDERS * EACH, 15_000);
    await watcher.waitFor('the pong', (frame) => frame.type === 'pong' && frame.id === 'between');
    for (const [k, client] of clients.entries()) {
      await client.waitFor(`${EACH} acks`, () => client.of('ack').length === EACH, 15_000);
      expect(client.of('ack').map((ack) => ack.id)).toEqual(Array.from({ length: EACH }, (_, i) => i));
      const heard = watcher.of('message').filter((message) => message.from === `sender${k}`);
      expect(heard.map((message) => message.text)).toEqual(Array.from({ length: EACH }, (_, i) => `s${k} m${i}`));
    }
    const seqs = watcher.of('message').map((message) => message.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const client of [...clients, watcher]) client.close();
  });
});
