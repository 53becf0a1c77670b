import { describe, expect, it } from 'vitest';
import { RawHubClient } from '../../helpers/hub-client.js';
import { startLoneHub } from '../../helpers/lone-hub.js';
import { ticket } from '../../helpers/tickets.js';

describe('hub connection lifecycle', () => {
  it('pings a silent client and drops it when it does not answer, keeping the one that does', async () => {
    const { stack } = await startLoneHub(['--idle-timeout', '300ms', '--ping-timeout', '300ms']);
    const silent = await RawHubClient.hello(stack.hubPort, ticket('silent', 'quiet-room'));
    const polite = await RawHubClient.hello(stack.hubPort, ticket('polite', 'quiet-room'));
    polite.socket.on('data', (chunk: Buffer) => {
      if (chunk.includes('"type":"ping"')) polite.send({ type: 'pong', id: 'idle' });
    });
    await silent.waitFor('the idle ping', (f) => f.type === 'ping');
    await silent.waitClosed();
    expect(silent.of('bye')).toEqual([{ type: 'bye', reason: 'idle_timeout' }]);
    await polite.waitFor('silent leaves', (f) => f.type === 'presence' && f.user === 'silent' && f.event === 'leave');
    expect(polite.closed).toBe(false);
    polite.send({ type: 'ping', id: 'still' });
    await polite.waitFor('pong', (f) => f.type === 'pong' && f.id === 'still');
    polite.close();
    stack.cleanup();
  });

  it('says server_shutdown to everyone on SIGTERM and exits 0', async () => {
    const { stack, hub } = await startLoneHub();
    const clients = await Promise.all([1, 2, 3].map((i) => RawHubClient.hello(stack.hubPort, ticket(`u${i}`, 'closing-room'))));
    hub.kill('SIGTERM');
    for (const client of clients) {
      await client.waitClosed();
      expect(client.of('error').map((e) => e.code)).toContain('server_shutdown');
      expect(client.of('bye')).toEqual([{ type: 'bye', reason: 'server_shutdown' }]);
    }
    expect((await hub.waitForExit()).code).toBe(0);
    stack.cleanup();
  });
});
