import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hubLocalSocket } from '../../../src/config/options.js';
import { HubProbe } from '../../../src/supervisor/probes/hub-probe.js';
import { RawHubClient } from '../../helpers/hub-client.js';
import { startLoneHub } from '../../helpers/lone-hub.js';
import type { StackEnv, TestProcess } from '../../helpers/processes.js';
import { ticket } from '../../helpers/tickets.js';

const started: Array<{ hub: TestProcess; stack: StackEnv }> = [];
afterAll(() => {
  for (const { hub, stack } of started) {
    hub.kill('SIGKILL');
    stack.cleanup();
  }
});

async function hub(flags: string[]): Promise<StackEnv> {
  const lone = await startLoneHub(flags);
  started.push(lone);
  return lone.stack;
}

const refusal = async (client: RawHubClient): Promise<unknown> => {
  const error = await client.waitFor('error', (frame) => frame.type === 'error');
  await client.waitClosed();
  return { error, bye: client.of('bye') };
};

describe('hub connection quotas', () => {
  it('holds at most --max-connections-per-address from one address while another address still gets in', async () => {
    const stack = await hub(['--max-connections-per-address', '3']);
    const kept = await Promise.all([0, 1, 2].map(() => RawHubClient.connect(stack.hubPort)));
    expect(await refusal(await RawHubClient.connect(stack.hubPort))).toEqual({
      error: expect.objectContaining({ code: 'too_many_connections', message: expect.stringContaining('--max-connections-per-address') }),
      bye: [{ type: 'bye', reason: 'too_many_connections' }],
    });
    const elsewhere = await RawHubClient.connect(stack.hubPort, '127.0.0.2');
    elsewhere.send({ type: 'hello', ticket: ticket('bob', 'lobby') });
    await elsewhere.waitFor('welcome', (frame) => frame.type === 'welcome');
    // A slot freed is a slot to be had again.
    kept[0]!.close();
    await kept[0]!.waitClosed();
    const again = await RawHubClient.connect(stack.hubPort);
    again.send({ type: 'hello', ticket: ticket('carol', 'lobby') });
    await again.waitFor('welcome', (frame) => frame.type === 'welcome');
    for (const client of [...kept, elsewhere, again]) client.close();
  });

  it('admits at most --max-connections-per-user under one name, whatever the tickets', async () => {
    const stack = await hub(['--max-connections-per-user', '2']);
    const first = await RawHubClient.hello(stack.hubPort, ticket('mallory', 'a'));
    const second = await RawHubClient.hello(stack.hubPort, ticket('Mallory', 'b'));
    const third = await RawHubClient.connect(stack.hubPort);
    third.send({ type: 'hello', ticket: ticket('mallory', 'c') });
    expect(await refusal(third)).toEqual({
      error: expect.objectContaining({ code: 'too_many_connections', message: expect.stringContaining('--max-connections-per-user') }),
      bye: [{ type: 'bye', reason: 'too_many_connections' }],
    });
    const other = await RawHubClient.hello(stack.hubPort, ticket('alice', 'a'));
    for (const client of [first, second, other]) client.close();
  });

  it('limits the rate per user across all of its connections, not per connection', async () => {
    const stack = await hub(['--rate', '1', '--burst', '10']);
    const room = 'flood';
    const connections = await Promise.all([0, 1, 2, 3, 4].map(() => RawHubClient.hello(stack.hubPort, ticket('eve', room))));
    let id = 0;
    for (const connection of connections) for (let i = 0; i < 10; i++) connection.send({ type: 'say', room, text: 'x', id: id++ });
    for (const connection of connections) {
      await connection.waitFor('every answer', () => connection.of('ack').length + connection.of('error').length === 10);
    }
    const acked = connections.reduce((sum, connection) => sum + connection.of('ack').length, 0);
    // One burst of 10 for the user (and at most one more token refilled while the 50 arrive).
    expect(acked).toBeGreaterThanOrEqual(10);
    expect(acked).toBeLessThanOrEqual(11);
    for (const connection of connections) connection.close();
  });

  it('answers probes on its local socket while clients hold every TCP connection', async () => {
    const stack = await hub(['--max-connections', '2']);
    const full = await Promise.all([0, 1].map(() => RawHubClient.connect(stack.hubPort)));
    expect(await refusal(await RawHubClient.connect(stack.hubPort))).toMatchObject({ error: { code: 'too_many_connections' } });
    const socketPath = hubLocalSocket({ dataDir: path.resolve(stack.dataDir) });
    await new HubProbe({ path: socketPath }).check(2000);
    for (const client of full) client.close();
  });
});
