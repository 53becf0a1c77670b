import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import type { CommonConfig } from '../../src/config/options.js';
import { connectMembers, type Member, now, paced, say, waitUntil } from '../chat-driver.js';
import { percentile } from '../report.js';
import { ofRunning } from './running-stack.js';

export interface ScaleShape {
  clients: number;
  rooms: number;
  /** Messages a second in all, spread over the rooms. */
  rate: number;
  seconds: number;
}

export interface ScaleResult {
  joinMs: number;
  p50: number;
  p99: number;
  sent: number;
  lost: number;
  /** CPU time over wall time during the steady phase (the hub's until its last reading alive), in % of one core. */
  driverCpu: number;
  hubCpu: number;
  /** CPU time per delivery from the first message to the last delivery (the hub's until its last reading alive), in µs. */
  driverPerDelivery: CpuTimes;
  hubPerDelivery: CpuTimes;
  /** The driver's own event-loop delay over the steady phase and the drain (p99, max), in ms: how late it may have read a delivery. */
  driverDelayP99: number;
  driverDelayMax: number;
}

/** Joins in flight at once: enough to share the room service's fsyncs, few enough not to queue for seconds. */
const JOIN_CONCURRENCY = 32;
/** Connections opened at once: the hub's hello deadline (5 s) is met even on a busy machine. */
const CONNECT_BATCH = 200;
/** A message not delivered after this much silence is counted as lost. */
const DRAIN_IDLE_MS = 3000;
const SAMPLE_MS = 1000;
/** Presence frames of the last arrivals reach everyone before the first message is timed. */
const SETTLE_MS = 1000;

/** CPU time in user space and in the kernel, in µs. */
export interface CpuTimes {
  user: number;
  kernel: number;
}

/** What a process has used (utime and stime from /proc/<pid>/stat, in clock ticks of 1/100 s). */
function cpuTimes(pid: number | undefined): CpuTimes {
  const read = (field: 11 | 12) =>
    ofRunning(pid, (running) => Number(readFileSync(`/proc/${running}/stat`, 'utf8').split(') ')[1]!.split(' ')[field]) * 10_000);
  return { user: read(11), kernel: read(12) };
}

function driverTimes(): CpuTimes {
  const usage = process.cpuUsage();
  return { user: usage.user, kernel: usage.system };
}

const used = (before: CpuTimes, after: CpuTimes, per: number): CpuTimes => ({
  user: (after.user - before.user) / per,
  kernel: (after.kernel - before.kernel) / per,
});
export const cpuTotal = (times: CpuTimes): number => times.user + times.kernel;

/** Client k's room: consecutive clients, and so consecutive senders, are in different rooms. */
const roomOf = (k: number, shape: ScaleShape): string => `scale-${k % shape.rooms}`;

/**
 * Tickets from the room service, as real clients get them: `rooms` rooms created, then every other
 * client joins its room.
 */
async function admit(config: CommonConfig, shape: ScaleShape): Promise<string[]> {
  const client = new RoomsClient({ host: config.host, port: config.roomsPort, timeoutMs: 60_000 });
  const tickets: string[] = new Array(shape.clients);
  const room = (k: number): string => roomOf(k, shape);
  for (let k = 0; k < shape.rooms; k++) tickets[k] = (await client.createRoom(room(k), `u${k}`)).ticket;
  let next = shape.rooms;
  const joiner = async (): Promise<void> => {
    for (let k = next++; k < shape.clients; k = next++) tickets[k] = (await client.joinRoom(room(k), `u${k}`)).ticket;
  };
  await Promise.all(Array.from({ length: JOIN_CONCURRENCY }, joiner));
  return tickets;
}

/**
 * `clients` chat clients of the hub in `rooms` rooms, then `rate` messages a second for `seconds`,
 * each from the next client in turn to its room. Latency is send → receipt at every other member.
 * `sample` runs every second of the steady phase and once at its end, before anything is disconnected.
 */
export async function scaleLoad(
  config: CommonConfig,
  hubPid: number,
  shape: ScaleShape,
  sample: () => Promise<void>,
): Promise<ScaleResult> {
  if (shape.clients < 2 * shape.rooms) throw new Error(`${shape.clients} clients cannot fill ${shape.rooms} rooms with two or more each`);
  const joinStarted = now();
  const tickets = await admit(config, shape);
  const joinMs = now() - joinStarted;
  const members: Member[] = [];
  try {
    for (let first = 0; first < shape.clients; first += CONNECT_BATCH)
      members.push(...(await connectMembers(config.hubPort, tickets.slice(first, first + CONNECT_BATCH), true)));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    for (const member of members) member.latencies.length = 0;
    const others = (k: number): number =>
      Math.floor(shape.clients / shape.rooms) + (k % shape.rooms < shape.clients % shape.rooms ? 1 : 0) - 1;
    let expected = 0;
    const driverDelay = monitorEventLoopDelay({ resolution: 1 });
    driverDelay.enable();
    const delivered = (): number => members.reduce((sum, m) => sum + m.deliveries, 0);
    const driverBefore = driverTimes();
    const hubBefore = cpuTimes(hubPid);
    const steadyStart = now();
    // The hub's last reading while it ran: one killed under the load (the restarts row) still shows how busy it was.
    let hubLast = { times: hubBefore, at: steadyStart, delivered: 0 };
    const readHub = (): void => {
      const times = cpuTimes(hubPid);
      if (!Number.isNaN(times.user)) hubLast = { times, at: now(), delivered: delivered() };
    };
    // One sample at a time: a slow control call is not stacked up behind another.
    let sampling: Promise<void> = Promise.resolve();
    const sampler = setInterval(() => {
      readHub();
      sampling = sampling.then(sample);
    }, SAMPLE_MS);
    const { sent, wallSeconds } = await paced(shape.rate, shape.seconds, (n) => {
      const k = n % shape.clients;
      members[k]!.socket.write(say(roomOf(k, shape), n));
      expected += others(k);
    });
    readHub();
    const hubSteady = used(hubBefore, hubLast.times, (hubLast.at - steadyStart) * 1000);
    const driverSteady = used(driverBefore, driverTimes(), wallSeconds * 1e6);
    clearInterval(sampler);
    await sampling.then(sample);
    await waitUntil(() => delivered() >= expected, DRAIN_IDLE_MS, delivered);
    driverDelay.disable();
    readHub();
    const hubAll = used(hubBefore, hubLast.times, hubLast.delivered);
    const driverAll = used(driverBefore, driverTimes(), delivered());
    const latencies = members.flatMap((m) => m.latencies);
    return {
      joinMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      sent,
      lost: expected - delivered(),
      driverCpu: 100 * cpuTotal(driverSteady),
      hubCpu: 100 * cpuTotal(hubSteady),
      driverPerDelivery: driverAll,
      hubPerDelivery: hubAll,
      driverDelayP99: driverDelay.percentile(99) / 1e6,
      driverDelayMax: driverDelay.max / 1e6,
    };
  } finally {
    for (const member of members) member.socket.destroy();
  }
}
