import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import { RawIrcClient } from '../../helpers/irc-client.js';
import { makeStackEnv, type StackEnv, startChatServices, startService, type TestProcess } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

/** services/irc/hub-session.ts: at most this many questions to the hub wait per room. */
const MAX_WHO_WAITING = 16;
const ASKED = 40;

let stack: StackEnv;
let hub: TestProcess;

beforeAll(async () => {
  stack = await makeStackEnv();
  hub = await startChatServices(stack);
  // Every NAMES below is read at once, not paced by the flood control.
  await startService('irc', stack, ['--irc-line-burst', '1000']);
});

afterAll(() => {
  if (hub.child.pid) process.kill(hub.child.pid, 'SIGCONT');
  stack.cleanup();
});

describe('IRC gateway: questions a hub is slow to answer', () => {
  it('keeps at most 16 waiting per room and answers the rest from what it knows', async () => {
    await new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort }).createRoom('stalled', 'owner');
    const irc = await RawIrcClient.register(stack.ircPort, 'nora');
    await irc.join('#stalled');
    const asked = irc.messages.length;
    const namesEnds = (): number => irc.messages.slice(asked).filter((m) => m.command === '366' && m.params[1] === '#stalled').length;
    // A hub that is connected but answers nothing: its socket stays open while it is stopped.
    process.kill(hub.child.pid!, 'SIGSTOP');
    irc.send(...Array.from({ length: ASKED }, () => 'NAMES #stalled'));
    await waitFor('the NAMES beyond the 16 waiting, answered at once', () => namesEnds() === ASKED - MAX_WHO_WAITING, { timeoutMs: 5000 });
    expect(namesEnds()).toBe(ASKED - MAX_WHO_WAITING);
    process.kill(hub.child.pid!, 'SIGCONT');
    await waitFor('the 16 the hub answers once it runs again', () => namesEnds() === ASKED, { timeoutMs: 10_000 });
    irc.close();
  });
});
