import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commonConfigToEnv } from '../../src/config/options.js';
import { encodeFrame } from '../../src/protocol/frames.js';
import { type ServiceStats, STATS_ANSWER, STATS_REQUEST, serviceMessage } from '../../src/runtime/handshake.js';
import { newInstanceId } from '../../src/tickets/room-instance.js';
import { signTicket } from '../../src/tickets/ticket.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { startUntil, stop } from '../children.js';
import { type BenchRow, median, percentile, report, runStandalone, target } from '../report.js';

/**
 * The hub under load, measured from a driver that parses deliveries cheaply (it counts message
 * lines by a fixed prefix and reads only the send time embedded at the start of each text).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../..');
/** The ticket secret the benchmarks hand their hubs (THISCORD_SECRET), so drivers sign their own tickets. */
export const SECRET = 'bench-secret-0123456789abcdef0123456789';
const MEMBERS = 50;
const PER_MEMBER = 200;
const STEADY_RATE = 2000;
const STEADY_SECONDS = 3;
const IDLE_CONNECTIONS = 10_000;
const BIG_ROOM = 5000;
const BIG_ROOM_WAVE = 200;
const MESSAGE_PREFIX = Buffer.from('{"type":"message"');
const TEXT_MARK = '"text":"t=';
const now = (): number => performance.timeOrigin + performance.now();

interface Member {
  socket: net.Socket;
  deliveries: number;
  latencies: number[];
}

const instances = new Map<string, string>();

/** A ticket for one room instance per name, as the room service would sign it. */
export function ticket(user: string, room: string): string {
  const iat = Date.now();
  let instance = instances.get(room);
  if (!instance) instances.set(room, (instance = newInstanceId(iat)));
  return signTicket(Buffer.from(SECRET), { user, room, instance, iat, exp: iat + 3_600_000 });
}

async function connectMembers(port: number, room: string, count: number, sampleLatency: boolean, firstUser = 0): Promise<Member[]> {
  const members: Member[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1');
          const member: Member = { socket, deliveries: 0, latencies: [] };
          members.push(member);
          let welcomed = false;
          // The end of the previous chunk, so that a prefix split across two chunks is still counted.
          let carry: Buffer = Buffer.alloc(0);
          socket.setNoDelay(true);
          socket.on('error', reject);
          // A refused connection (a quota, say) is told so and closed: fail rather than wait forever.
          socket.on('close', () => {
            if (!welcomed) reject(new Error(`member ${i} was closed before its welcome; the hub said: ${seen || 'nothing'}`));
          });
          let seen = '';
          socket.on('data', (chunk: Buffer) => {
            if (!welcomed) seen += chunk.toString().slice(0, 300);
            if (!welcomed) {
              welcomed = chunk.includes('"welcome"');
              if (welcomed) resolve();
            }
            const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
            for (let at = data.indexOf(MESSAGE_PREFIX); at >= 0; at = data.indexOf(MESSAGE_PREFIX, at + 1)) member.deliveries++;
            carry = data.subarray(data.length - (MESSAGE_PREFIX.length - 1));
            if (sampleLatency) {
              // One sample per chunk keeps the driver cheap; the send time sits right after "t=".
              const at = data.indexOf(TEXT_MARK);
              if (at >= 0) {
                const start = at + TEXT_MARK.length;
                const end = data.indexOf(0x20, start);
                if (end > start) member.latencies.push(now() - Number(data.toString('latin1', start, end)));
              }
            }
          });
          socket.on('connect', () => socket.write(encodeFrame({ type: 'hello', ticket: ticket(`m${firstUser + i}`, room) })));
        }),
    ),
  );
  return members;
}

const say = (room: string, id: number): string => encodeFrame({ type: 'say', room, text: `t=${now().toFixed(3)} ${'x'.repeat(40)}`, id });

/** Waits until `done`, or until `progress` has not moved for `idleMs` (what is missing then is lost). */
export async function waitUntil(done: () => boolean, idleMs: number, progress: () => number): Promise<void> {
  let last = progress();
  let lastChange = Date.now();
  while (!done()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const current = progress();
    if (current !== last) {
      last = current;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > idleMs) return;
  }
}

export async function fanOut(port: number): Promise<{ rate: number; p50: number; p99: number; lost: number }> {
  const room = `fanout-${Math.random().toString(36).slice(2)}`;
  const members = await connectMembers(port, room, MEMBERS, true);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const expected = MEMBERS * PER_MEMBER * (MEMBERS - 1);
  const total = (): number => members.reduce((sum, m) => sum + m.deliveries, 0);
  const start = now();
  for (const member of members) {
    let frames = '';
    for (let i = 0; i < PER_MEMBER; i++) frames += say(room, i);
    member.socket.write(frames);
  }
  await waitUntil(() => total() >= expected, 3000, total);
  const elapsed = (now() - start) / 1000;
  const latencies = members.flatMap((m) => m.latencies);
  for (const member of members) member.socket.destroy();
  return { rate: total() / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost: expected - total() };
}

async function steady(port: number): Promise<{ p50: number; p99: number; lost: number }> {
  const room = `steady-${Math.random().toString(36).slice(2)}`;
  const members = await connectMembers(port, room, MEMBERS, true);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const tickMs = 10;
  const perTick = (STEADY_RATE * tickMs) / 1000;
  let sent = 0;
  const ticks = (STEADY_SECONDS * 1000) / tickMs;
  const started = now();
  for (let tick = 0; tick < ticks; tick++) {
    for (let i = 0; i < perTick; i++) members[sent++ % MEMBERS]!.socket.write(say(room, sent));
    const next = started + (tick + 1) * tickMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - now())));
  }
  const expected = sent * (MEMBERS - 1);
  const total = (): number => members.reduce((sum, m) => sum + m.deliveries, 0);
  await waitUntil(() => total() >= expected, 3000, total);
  const latencies = members.flatMap((m) => m.latencies);
  for (const member of members) member.socket.destroy();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost: expected - total() };
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]);
}

/**
 * The driver and the hub each hold IDLE_CONNECTIONS sockets: this process's soft file limit (which
 * the hub inherits) is raised as far as the hard limit allows, with util-linux's prlimit.
 */
function raiseFileLimit(needed: number): void {
  const limits = /Max open files\s+(\d+)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  if (!limits || Number(limits[1]) >= needed) return;
  const hard = limits[2] === 'unlimited' ? needed : Math.min(needed, Number(limits[2]));
  const raised = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${hard}:${limits[2]}`]);
  if (raised.status !== 0 || hard < needed)
    throw new Error(`the idle-connection row needs ${needed} open files (ulimit -n); the hard limit or prlimit did not allow it`);
}

async function idle(port: number, pid: number): Promise<number> {
  const before = rssKiB(pid);
  const sockets: net.Socket[] = [];
  for (let batch = 0; batch < IDLE_CONNECTIONS; batch += 200) {
    const members = await connectMembers(port, `idle-${batch % 20}`, 200, false);
    sockets.push(...members.map((m) => m.socket));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = rssKiB(pid);
  for (const socket of sockets) socket.destroy();
  return ((after - before) * 1024) / IDLE_CONNECTIONS;
}

/**
 * A community room filling at once, as after a hub restart: waves of connections are opened
 * without waiting for the ones before to be welcomed. The stall is the hub's own figure
 * (perf_hooks' event-loop delay, asked over IPC), not the driver's, which is busy with 5,000 sockets.
 */
async function bigRoom(): Promise<{ welcomedMs: number; stallMs: number }> {
  const hub = await startHub();
  const sockets: net.Socket[] = [];
  try {
    const room = `community-${Math.random().toString(36).slice(2)}`;
    const start = now();
    const waves: Promise<Member[]>[] = [];
    for (let first = 0; first < BIG_ROOM; first += BIG_ROOM_WAVE) {
      waves.push(connectMembers(hub.port, room, BIG_ROOM_WAVE, false, first));
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const wave of await Promise.all(waves)) sockets.push(...wave.map((m) => m.socket));
    const welcomedMs = now() - start;
    // The presence summaries that follow the storm are part of it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stats = await hub.stats();
    return { welcomedMs, stallMs: stats.loop_delay_max_ms ?? Number.NaN };
  } finally {
    for (const socket of sockets) socket.destroy();
    await hub.stop();
  }
}

export async function startHub(): Promise<{ port: number; pid: number; stats: () => Promise<ServiceStats>; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-bench-hub-'));
  // No broker runs: the hub's events go nowhere, as its publisher never blocks on a missing broker.
  const config = await loopbackStackConfig(dataDir);
  // Flood control, the per-client output limit, the connection quotas (every driver connection
  // comes from one address) and the hello deadline (hundreds connect at once) are raised: this
  // measures relaying, not limits.
  const hub = await startUntil(
    process.execPath,
    [
      path.join(dist, 'services/hub/main.js'),
      '--rate',
      '10000000',
      '--burst',
      '10000000',
      '--max-output-bytes',
      String(256 * 1024 * 1024),
      '--max-connections-per-address',
      String(10 * IDLE_CONNECTIONS),
      '--max-connections-per-user',
      String(10 * IDLE_CONNECTIONS),
      '--max-connections',
      String(2 * IDLE_CONNECTIONS),
      '--hello-timeout',
      '60s',
      '--history',
      '0',
    ],
    { ...commonConfigToEnv(config), THISCORD_SECRET: SECRET },
    (line) => line.includes('"ready":true'),
  );
  return {
    port: config.hubPort,
    pid: hub.pid!,
    stats: () =>
      new Promise<ServiceStats>((resolve) => {
        const onMessage = (raw: unknown): void => {
          const message = serviceMessage(raw);
          if (message?.type !== STATS_ANSWER) return;
          hub.off('message', onMessage);
          resolve(message.stats);
        };
        hub.on('message', onMessage);
        hub.send({ type: STATS_REQUEST });
      }),
    stop: async () => {
      await stop(hub);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function run(): Promise<BenchRow[]> {
  raiseFileLimit(Math.max(IDLE_CONNECTIONS, BIG_ROOM) + 1000);
  const hub = await startHub();
  try {
    const fan = [await fanOut(hub.port), await fanOut(hub.port), await fanOut(hub.port)];
    const steadyRun = await steady(hub.port);
    const rate = median(fan.map((f) => f.rate));
    const lost = Math.max(...fan.map((f) => f.lost));
    const big = await bigRoom();
    const fresh = await startHub();
    let perConnection: number;
    try {
      perConnection = await idle(fresh.port, fresh.pid);
    } finally {
      await fresh.stop();
    }
    return [
      target(`fan-out ${MEMBERS} members × ${PER_MEMBER} messages, median of 3`, rate, 'deliveries/s', '>= 1,600,000', rate >= 1_600_000),
      report('fan-out latency p50 (send → receipt)', median(fan.map((f) => f.p50)), 'ms'),
      report('fan-out latency p99', median(fan.map((f) => f.p99)), 'ms'),
      target('fan-out deliveries lost (worst of 3)', lost, 'deliveries', '0', lost === 0),
      report(`steady ${STEADY_RATE} msg/s into ${MEMBERS} members: p50`, steadyRun.p50, 'ms'),
      target(`steady ${STEADY_RATE} msg/s into ${MEMBERS} members: p99`, steadyRun.p99, 'ms', '< 10 ms', steadyRun.p99 < 10),
      target(
        `steady ${STEADY_RATE} msg/s into ${MEMBERS} members: deliveries lost`,
        steadyRun.lost,
        'deliveries',
        '0',
        steadyRun.lost === 0,
      ),
      report(`one room, ${BIG_ROOM} members joining at once (waves of ${BIG_ROOM_WAVE}): all welcomed`, big.welcomedMs, 'ms'),
      target(
        `one room, ${BIG_ROOM} members joining at once: the hub's longest event-loop stall`,
        big.stallMs,
        'ms',
        '< 100 ms',
        big.stallMs < 100,
      ),
      target(
        `memory per idle connection (${IDLE_CONNECTIONS} connections, hub RSS)`,
        perConnection / 1024,
        'KiB',
        '< 8 KiB',
        perConnection < 8 * 1024,
      ),
    ];
  } finally {
    await hub.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runStandalone('Chat hub', run);
}
