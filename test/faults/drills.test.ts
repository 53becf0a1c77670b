import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import { EventCollector } from '../helpers/events.js';
import { makeStackEnv, type StackEnv } from '../helpers/processes.js';
import { isAlive, RunningStack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { AdminLoop, ChatLoad } from './chat-load.js';

/**
 * Fault drills under load (also `npm run drill`): 20 chat clients talking steadily and an admin
 * creating and joining rooms in a loop while each process of the stack is killed in turn.
 */
const CLIENTS = 20;
const SEND_INTERVAL_MS = 1000;
const UP_ARGS = ['--probe-interval', '500ms', '--probe-failures', '3'];

let stack: StackEnv;
let up: RunningStack;
let rooms: RoomsClient;
let chat: ChatLoad;
let admin: AdminLoop;

function report(drill: string, facts: Record<string, unknown>): void {
  process.stdout.write(
    `drill ${drill}: ${Object.entries(facts)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ')}\n`,
  );
}

async function settleAndCheck(drill: string, recoveryMs: number, extra: Record<string, unknown> = {}): Promise<void> {
  await chat.settleAll();
  const missing = chat.missing();
  const counts = chat.counts();
  report(drill, { recovery_ms: recoveryMs, ...counts, missing: missing.length, ...extra });
  expect(missing).toEqual([]);
  expect(counts.pending).toBe(0);
  chat.resume(SEND_INTERVAL_MS);
}

beforeAll(async () => {
  stack = await makeStackEnv();
  up = await RunningStack.up(stack, UP_ARGS);
  rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort, timeoutMs: 3000 });
  chat = await ChatLoad.start(rooms, 'drill-room', CLIENTS, SEND_INTERVAL_MS);
  admin = new AdminLoop(rooms);
  await waitFor('some traffic', () => chat.counts().acked > 40, { timeoutMs: 10_000 });
}, 60_000);

afterAll(async () => {
  chat?.close();
  await admin?.stop();
  up?.proc.kill('SIGKILL');
  stack?.cleanup();
});

describe('fault drills under load', () => {
  it('kill -9 the hub: restarted, every client back in its room, nothing acknowledged lost', async () => {
    const killedAt = Date.now();
    process.kill(up.pids().hub!, 'SIGKILL');
    await waitFor('clients to notice', () => chat.chatters.some((c) => c.client.state !== 'ready'), { timeoutMs: 5000, intervalMs: 5 });
    await chat.allReady(15_000);
    await settleAndCheck('hub-kill', Date.now() - killedAt);
  }, 60_000);

  it('kill -9 the room service: restarted on the same data dir with every acknowledged room, chat carries on', async () => {
    const before = up.pids();
    const healthy = up.events('service.healthy', 'rooms').length;
    const killedAt = Date.now();
    process.kill(before.rooms!, 'SIGKILL');
    await up.healthyAgain('rooms', healthy);
    const recovery = Date.now() - killedAt;
    await waitFor('the admin loop to succeed again', async () => (await rooms.ping().catch(() => '')) === 'pong');
    const ackedWhileDown = chat.ackedBetween(killedAt, killedAt + recovery);
    const created = [...admin.created];
    const listed = new Set((await rooms.listRooms()).map((room) => room.name));
    const lost = created.filter((name) => !listed.has(name));
    expect(lost).toEqual([]);
    expect(up.pids().hub).toBe(before.hub);
    expect(up.pids().broker).toBe(before.broker);
    await settleAndCheck('rooms-kill', recovery, {
      rooms_acknowledged: created.length,
      rooms_lost: lost.length,
      chat_acked_while_rooms_down: ackedWhileDown,
    });
  }, 60_000);

  it('kill -9 the broker: restarted, events flow again, nothing else blocked or crashed', async () => {
    const before = up.pids();
    const healthy = up.events('service.healthy', 'broker').length;
    const killedAt = Date.now();
    process.kill(before.broker!, 'SIGKILL');
    await up.healthyAgain('broker', healthy);
    const recovery = Date.now() - killedAt;
    const events = new EventCollector(stack, ['room/']);
    await events.ready();
    // Events queued while the broker was down arrive first; wait for one about a room created since.
    const knownRooms = new Set(admin.created);
    const event = await events.waitForType('room.created', (p) => !knownRooms.has(p.room as string), 10_000);
    await waitFor('that create to be acknowledged', () => admin.created.includes((event.payload as { room: string }).room));
    expect(up.pids().hub).toBe(before.hub);
    expect(up.pids().rooms).toBe(before.rooms);
    await events.close();
    await settleAndCheck('broker-kill', recovery, { events_after_restart: 'yes' });
  }, 60_000);

  it('SIGSTOP the hub past the liveness window: detected, killed, replaced, clients back', async () => {
    const hung = up.pids().hub!;
    const healthy = up.events('service.healthy', 'hub').length;
    const stoppedAt = Date.now();
    process.kill(hung, 'SIGSTOP');
    await up.healthyAgain('hub', healthy, 20_000);
    await chat.allReady(15_000);
    const recovery = Date.now() - stoppedAt;
    expect(isAlive(hung)).toBe(false);
    await settleAndCheck('hub-sigstop', recovery, { detected_by: 'liveness' });
  }, 60_000);

  it('SIGKILL the supervisor: no orphans within 2 s, and up again brings back every room', async () => {
    chat.close();
    await admin.stop();
    const created = [...admin.created];
    const pids = Object.values(up.pids());
    up.proc.kill('SIGKILL');
    await up.proc.waitForExit();
    const killedAt = Date.now();
    await waitFor('no orphans', () => pids.every((pid) => !isAlive(pid)), { timeoutMs: 2000, intervalMs: 10 });
    const orphansGoneMs = Date.now() - killedAt;
    up = await RunningStack.up(stack, UP_ARGS);
    const listed = new Set((await rooms.listRooms()).map((room) => room.name));
    expect(created.filter((name) => !listed.has(name))).toEqual([]);
    expect(listed.has('drill-room')).toBe(true);
    report('supervisor-kill', { orphans_gone_ms: orphansGoneMs, rooms_back: created.length + 1, restart_ms: Date.now() - killedAt });
    up.proc.kill('SIGINT');
    expect((await up.proc.waitForExit()).code).toBe(0);
  }, 60_000);
});
