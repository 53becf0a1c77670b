import { mkdtempSync, rmSync } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commonConfigToEnv } from '../../src/config/options.js';
import { type ServiceStats, STATS_ANSWER, STATS_REQUEST, serviceMessage } from '../../src/runtime/handshake.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import {
  connectMembers,
  type Member,
  measureBurst,
  now,
  paced,
  RELAYING_HUB_FLAGS,
  raiseFileLimit,
  rssKiB,
  SECRET,
  say,
  ticket,
  waitUntil,
} from '../chat-driver.js';
import { startService, stop } from '../children.js';
import { type BenchRow, median, percentile, report, runStandalone, target } from '../report.js';

/**
 * The hub under load, measured from a driver that parses deliveries cheaply (it counts message
 * lines by a fixed prefix and reads only the send time embedded at the start of each text).
 */
const MEMBERS = 50;
const PER_MEMBER = 200;
const STEADY_RATE = 2000;
const STEADY_SECONDS = 3;
const IDLE_CONNECTIONS = 10_000;
const BIG_ROOM = 5000;
const BIG_ROOM_WAVE = 200;

/** `count` members of `room` with tickets signed here, users m<firstUser>… */
const membersOf = (port: number, room: string, count: number, sampleLatency: boolean, firstUser = 0): Promise<Member[]> =>
  connectMembers(
    port,
    Array.from({ length: count }, (_, i) => ticket(`m${firstUser + i}`, room)),
    sampleLatency,
  );

export async function fanOut(port: number): Promise<{ rate: number; p50: number; p99: number; lost: number }> {
  const room = `fanout-${Math.random().toString(36).slice(2)}`;
  const members = await membersOf(port, room, MEMBERS, true);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const burst = await measureBurst(
    members,
    MEMBERS * PER_MEMBER * (MEMBERS - 1),
    () => {
      for (const member of members) {
        let frames = '';
        for (let i = 0; i < PER_MEMBER; i++) frames += say(room, i);
        member.socket.write(frames);
      }
    },
    3000,
  );
  for (const member of members) member.socket.destroy();
  return burst;
}

async function steady(port: number): Promise<{ p50: number; p99: number; lost: number }> {
  const room = `steady-${Math.random().toString(36).slice(2)}`;
  const members = await membersOf(port, room, MEMBERS, true);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { sent } = await paced(STEADY_RATE, STEADY_SECONDS, (n) => members[n % MEMBERS]!.socket.write(say(room, n)));
  const expected = sent * (MEMBERS - 1);
  const total = (): number => members.reduce((sum, m) => sum + m.deliveries, 0);
  await waitUntil(() => total() >= expected, 3000, total);
  const latencies = members.flatMap((m) => m.latencies);
  for (const member of members) member.socket.destroy();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost: expected - total() };
}

async function idle(port: number, pid: number): Promise<number> {
  const before = rssKiB(pid);
  const sockets: net.Socket[] = [];
  for (let batch = 0; batch < IDLE_CONNECTIONS; batch += 200) {
    const members = await membersOf(port, `idle-${batch % 20}`, 200, false);
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
      waves.push(membersOf(hub.port, room, BIG_ROOM_WAVE, false, first));
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
  const hub = await startService(
    'hub',
    [
      ...RELAYING_HUB_FLAGS,
      ...['--max-connections-per-address', String(10 * IDLE_CONNECTIONS), '--max-connections-per-user', String(10 * IDLE_CONNECTIONS)],
      ...['--max-connections', String(2 * IDLE_CONNECTIONS), '--hello-timeout', '60s'],
    ],
    { ...commonConfigToEnv(config), THISCORD_SECRET: SECRET },
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
