import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHubClient } from '../../helpers/hub-client.js';
import { startLoneHub } from '../../helpers/lone-hub.js';
import type { StackEnv, TestProcess } from '../../helpers/processes.js';
import { ticket } from '../../helpers/tickets.js';
import { waitFor } from '../../helpers/wait.js';

const MEMBERS = 1000;
const BURST = 200;
const LIMIT = 200;
const ROOM = 'town-square';
// Generous: a loaded machine is slow, never wrong; every wait below ends as soon as its condition holds.
const PATIENCE = { timeoutMs: 90_000, intervalMs: 50 };

let stack: StackEnv;
let hub: TestProcess;

beforeAll(async () => {
  // Every member connects from 127.0.0.1, hundreds at once.
  ({ stack, hub } = await startLoneHub([
    '--max-connections-per-address',
    String(2 * MEMBERS),
    '--hello-timeout',
    '60s',
    '--presence-limit',
    String(LIMIT),
  ]));
});

afterAll(() => {
  hub.kill('SIGKILL');
  stack.cleanup();
});

const user = (i: number): string => `member${String(i).padStart(4, '0')}`;

/** Members `from`..`to`-1 connect and say hello all at once; resolves when every one is welcomed. */
async function burst(from: number, to: number): Promise<RawHubClient[]> {
  const clients = await Promise.all(
    Array.from({ length: to - from }, async (_, k) => {
      const client = await RawHubClient.connect(stack.hubPort);
      client.send({ type: 'hello', ticket: ticket(user(from + k), ROOM, 600_000) });
      return client;
    }),
  );
  await waitFor(`${to - from} welcomes`, () => clients.every((c) => c.frames.some((f) => f.type === 'welcome')), PATIENCE);
  return clients;
}

const lastSummary = (client: RawHubClient) => client.of('presence_summary').at(-1);

async function whoOf(client: RawHubClient): Promise<string[]> {
  const before = client.of('who').length;
  client.send({ type: 'who', room: ROOM });
  await waitFor('who', () => client.of('who').length > before, PATIENCE);
  return client.of('who').at(-1)!.users;
}

describe('a room larger than --presence-limit', () => {
  it('welcomes 1,000 members joining in bursts, counts arrivals and departures, and names everyone on who', async () => {
    const members: RawHubClient[] = [];
    for (let from = 0; from < MEMBERS; from += BURST) members.push(...(await burst(from, from + BURST)));
    expect(members.filter((c) => c.of('welcome').length === 1)).toHaveLength(MEMBERS);

    const first = members[0]!;
    await waitFor('a summary counting all 1,000', () => lastSummary(first)?.members === MEMBERS, PATIENCE);
    // Up to the limit the first member heard each arrival by name; every later one was counted once.
    const named = first.of('presence').filter((f) => f.event === 'join');
    expect(named.length).toBe(LIMIT - 1);
    expect(named.map((f) => f.user).sort()).toEqual(Array.from({ length: LIMIT - 1 }, (_, i) => user(i + 1)));
    const counted = first.of('presence_summary').reduce((sum, f) => sum + f.joined, 0);
    expect(counted).toBe(MEMBERS - LIMIT);
    // No member heard more than the limit's worth of arrivals by name.
    for (const member of members) expect(member.of('presence').length).toBeLessThanOrEqual(LIMIT - 1);

    const everyone = Array.from({ length: MEMBERS }, (_, i) => user(i));
    const answers = await Promise.all(members.map(whoOf));
    for (const users of answers) expect(users).toEqual(everyone);

    // 300 leave at once: counted, and gone from who once the summary says so.
    const leaving = members.splice(MEMBERS - 300);
    for (const member of leaving) member.close();
    await waitFor('a summary counting 700', () => lastSummary(first)?.members === MEMBERS - 300, PATIENCE);
    expect(first.of('presence_summary').reduce((sum, f) => sum + f.left, 0)).toBe(300);
    expect(first.of('presence').filter((f) => f.event === 'leave')).toEqual([]);
    expect(await whoOf(members[1]!)).toEqual(everyone.slice(0, MEMBERS - 300));
    for (const member of members) member.close();
  }, 180_000);
});
