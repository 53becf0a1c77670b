import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import { EventCollector } from '../helpers/events.js';
import { makeStackEnv, type StackEnv } from '../helpers/processes.js';
import { isAlive, RunningStack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { AdminLoop, ChatLoad } from './chat-load.js';

/**
 * Fault drills under load (also `npm run drill`): 20 chat clients talking steadily and an admin
 * creating and joining rooms in a loop while each process of the stack is killed in turn. Every
 * figure a drill prints is measured, and asserted.
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

/**
 * After a drill: every message typed was acknowledged (none reported unsent: what was typed while
 * the hub was away is sent after the reconnect), and every member has every acknowledged message.
 */
async function settleAndCheck(drill: string, recoveryMs: number, extra: () => Record<string, unknown> = () => ({})): Promise<void> {
  await chat.settleAll();
  const missing = chat.missing();
  const counts = chat.counts();
  report(drill, { recovery_ms: recoveryMs, ...counts, missing: missing.length, ...extra() });
  expect(missing).toEqual([]);
  expect(counts.pending).toBe(0);
  expect(chat.unsentReasons()).toEqual({});
  chat.resume(SEND_INTERVAL_MS);
}

/** The admin loop made progress since `from`, and (unless the room service was the victim) never failed. */
async function adminCarriedOn(from: number, roomsKilled = false): Promise<number> {
  const at = Date.now();
  await waitFor('the admin loop to create a room', () => admin.createdSince(at) > 0, { timeoutMs: 10_000 });
  if (!roomsKilled) expect(admin.failedSince(from)).toEqual([]);
  return admin.createdSince(from);
}

beforeAll(async () => {
  stack = await makeStackEnv();
  // The admin loop creates rooms as fast as it can, far past the hourly quota for one name.
  stack.env.THISCORD_MAX_ROOMS_PER_USER = '10000000';
  up = await RunningStack.up(stack, UP_ARGS);
  rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort, timeoutMs: 3000 });
  chat = await ChatLoad.start(rooms, 'drill-room', CLIENTS, SEND_INTERVAL_MS);
  admin = new AdminLoop(rooms);
  await waitFor('some traffic', () => chat.counts().acked > 40 && admin.created.length > 5, { timeoutMs: 10_000 });
}, 60_000);

afterAll(async () => {
  chat?.close();
  await admin?.stop();
  up?.proc.kill('SIGKILL');
  stack?.cleanup();
});

describe('fault drills under load', () => {
  it('kill -9 the hub: restarted, every client back in its room, everything typed meanwhile sent and delivered', async () => {
    const before = up.pids();
    const mark = up.mark();
    const killedAt = Date.now();
    chat.hubLostAt.push(killedAt);
    process.kill(before.hub!, 'SIGKILL');
    await waitFor('clients to notice', () => chat.chatters.some((c) => c.client.state !== 'ready'), { timeoutMs: 5000, intervalMs: 5 });
    await chat.allReady(15_000);
    const recovery = Date.now() - killedAt;
    expect(up.others(before, mark, 'hub')).toEqual([
      { service: 'broker', exits: 0, alive: true },
      { service: 'rooms', exits: 0, alive: true },
      { service: 'irc', exits: 0, alive: true },
      { service: 'web', exits: 0, alive: true },
    ]);
    const roomsCreated = await adminCarriedOn(killedAt);
    await settleAndCheck('hub-kill', recovery, () => ({
      typed_while_hub_down_then_acked: chat.resentAndAcked(killedAt, killedAt + recovery),
      rooms_created_meanwhile: roomsCreated,
    }));
    expect(chat.resentAndAcked(killedAt, killedAt + recovery)).toBeGreaterThan(0);
  }, 60_000);

  it('kill -9 the room service: restarted on the same data dir with every acknowledged room, chat carries on', async () => {
    const before = up.pids();
    const mark = up.mark();
    const healthy = up.events('service.running', 'rooms').length;
    const killedAt = Date.now();
    const createdBefore = admin.names();
    expect(createdBefore.length).toBeGreaterThan(0);
    process.kill(before.rooms!, 'SIGKILL');
    await up.healthyAgain('rooms', healthy);
    const recovery = Date.now() - killedAt;
    const ackedWhileDown = chat.ackedBetween(killedAt, killedAt + recovery);
    // Creating resumes, and nothing acknowledged, before the kill or since, is gone.
    const createdSince = await adminCarriedOn(killedAt, true);
    const created = admin.names();
    const listed = new Set((await rooms.listRooms()).map((room) => room.name));
    const lost = created.filter((name) => !listed.has(name));
    expect(lost).toEqual([]);
    expect(up.others(before, mark, 'rooms')).toEqual([
      { service: 'broker', exits: 0, alive: true },
      { service: 'hub', exits: 0, alive: true },
      { service: 'irc', exits: 0, alive: true },
      { service: 'web', exits: 0, alive: true },
    ]);
    expect(ackedWhileDown).toBeGreaterThan(0);
    await settleAndCheck('rooms-kill', recovery, () => ({
      rooms_acknowledged: created.length,
      rooms_created_since_kill: createdSince,
      rooms_lost: lost.length,
      admin_calls_failed: admin.failedSince(killedAt).length,
      chat_acked_while_rooms_down: ackedWhileDown,
    }));
  }, 60_000);

  it('kill -9 the broker: restarted, events flow again, nothing else blocked or crashed', async () => {
    const before = up.pids();
    const mark = up.mark();
    const healthy = up.events('service.running', 'broker').length;
    const killedAt = Date.now();
    process.kill(before.broker!, 'SIGKILL');
    await up.healthyAgain('broker', healthy);
    const recovery = Date.now() - killedAt;
    const events = new EventCollector(stack, ['room/']);
    await events.ready();
    // Events queued while the broker was down arrive first; count those about rooms created since.
    const knownRooms = new Set(admin.names());
    const fresh = (): string[] =>
      events
        .ofType('room.created')
        .map((e) => (e.payload as { room: string }).room)
        .filter((room) => !knownRooms.has(room));
    await waitFor('room.created events for rooms created after the restart', () => fresh().length >= 3, { timeoutMs: 10_000 });
    // Each one is for a create the admin loop saw acknowledged.
    await waitFor('those creates to be acknowledged', () => fresh().every((room) => admin.names().includes(room)));
    expect(up.others(before, mark, 'broker')).toEqual([
      { service: 'rooms', exits: 0, alive: true },
      { service: 'hub', exits: 0, alive: true },
      { service: 'irc', exits: 0, alive: true },
      { service: 'web', exits: 0, alive: true },
    ]);
    const roomsCreated = await adminCarriedOn(killedAt);
    const eventsAfterRestart = fresh().length;
    await events.close();
    await settleAndCheck('broker-kill', recovery, () => ({
      room_created_events_after_restart: eventsAfterRestart,
      rooms_created_meanwhile: roomsCreated,
    }));
  }, 60_000);

  it('SIGSTOP the hub past the liveness window: detected by its probes, killed, replaced, clients back', async () => {
    const before = up.pids();
    const hung = before.hub!;
    const mark = up.mark();
    const healthy = up.events('service.running', 'hub').length;
    const stoppedAt = Date.now();
    chat.hubLostAt.push(stoppedAt);
    process.kill(hung, 'SIGSTOP');
    await up.healthyAgain('hub', healthy, 20_000);
    await chat.allReady(15_000);
    const recovery = Date.now() - stoppedAt;
    expect(isAlive(hung)).toBe(false);
    // Found by the liveness probes (3 failures), then killed by the supervisor: not some other way.
    const unhealthy = up.eventsSince(mark, 'service.unhealthy', 'hub');
    expect(unhealthy.map((line) => ({ pid: line.pid, failures: line.failures }))).toEqual([{ pid: hung, failures: 3 }]);
    const exited = up.eventsSince(mark, 'service.exited', 'hub');
    expect(exited.map((line) => ({ pid: line.pid, signal: line.signal }))).toEqual([{ pid: hung, signal: 'SIGKILL' }]);
    const detectedMs = Date.parse(unhealthy[0]!.time as string) - stoppedAt;
    expect(up.others(before, mark, 'hub')).toEqual([
      { service: 'broker', exits: 0, alive: true },
      { service: 'rooms', exits: 0, alive: true },
      { service: 'irc', exits: 0, alive: true },
      { service: 'web', exits: 0, alive: true },
    ]);
    await settleAndCheck('hub-sigstop', recovery, () => ({
      detected_by: `liveness, ${unhealthy[0]!.failures} failed probes`,
      detected_after_ms: detectedMs,
      typed_while_hung_then_acked: chat.resentAndAcked(stoppedAt, stoppedAt + recovery),
    }));
    expect(chat.resentAndAcked(stoppedAt, stoppedAt + recovery)).toBeGreaterThan(0);
  }, 60_000);

  it('SIGKILL the supervisor: no orphans within 2 s, and up again brings back every room', async () => {
    chat.close();
    await admin.stop();
    const created = admin.names();
    expect(created.length).toBeGreaterThan(0);
    const pids = Object.values(up.pids());
    up.proc.kill('SIGKILL');
    await up.proc.waitForExit();
    const killedAt = Date.now();
    await waitFor('no orphans', () => pids.every((pid) => !isAlive(pid)), { timeoutMs: 2000, intervalMs: 10 });
    const orphansGoneMs = Date.now() - killedAt;
    up = await RunningStack.up(stack, UP_ARGS);
    const listed = new Set((await rooms.listRooms()).map((room) => room.name));
    const back = created.filter((name) => listed.has(name));
    expect(back).toEqual(created);
    expect(listed.has('drill-room')).toBe(true);
    report('supervisor-kill', { orphans_gone_ms: orphansGoneMs, rooms_back: back.length + 1, restart_ms: Date.now() - killedAt });
    up.proc.kill('SIGINT');
    expect((await up.proc.waitForExit()).code).toBe(0);
  }, 60_000);
});
