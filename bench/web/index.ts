import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { commonConfigToEnv } from '../../src/config/options.js';
import { encodeFrame } from '../../src/protocol/frames.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { measureBurst, now, paced, RELAYING_HUB_FLAGS, SECRET, say, ticket, waitUntil } from '../chat-driver.js';
import { startService, stop } from '../children.js';
import { type BenchRow, median, percentile, report, runStandalone, target } from '../report.js';

/**
 * Browsers in one room: 1,000 WebSocket clients through the web service's bridge to the hub,
 * beside the same room of 1,000 TCP clients straight on the hub. Senders embed their send time
 * ("t=<ms>") at the start of each text; every receiver measures send → receipt.
 */
const MEMBERS = 1000;
const SENDERS = 20;
const PER_SENDER = 25;
const STEADY_RATE = 50;
const STEADY_SECONDS = 3;
const MESSAGE_PREFIX = '{"type":"message"';
const TEXT_MARK = '"text":"t=';

interface Member {
  send(frame: string): void;
  close(): void;
  deliveries: number;
  /** Every frame received, messages or not. */
  frames: number;
  latencies: number[];
}

/** Counts one received hub frame (without its newline): a message, and its latency. */
function receive(member: Member, frame: string): void {
  member.frames++;
  if (!frame.startsWith(MESSAGE_PREFIX)) return;
  member.deliveries++;
  const at = frame.indexOf(TEXT_MARK);
  if (at < 0) return;
  const start = at + TEXT_MARK.length;
  member.latencies.push(now() - Number(frame.slice(start, frame.indexOf(' ', start))));
}

function webMember(port: number, user: string, room: string): Promise<Member> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/hub`, { origin: `http://127.0.0.1:${port}`, perMessageDeflate: false });
    const member: Member = {
      send: (frame) => socket.send(frame.trimEnd()),
      close: () => socket.terminate(),
      deliveries: 0,
      frames: 0,
      latencies: [],
    };
    socket.on('error', reject);
    socket.on('close', (code: number, reason: Buffer) => reject(new Error(`closed before its welcome: ${code} ${reason.toString()}`)));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', ticket: ticket(user, room) })));
    socket.on('message', (data: Buffer) => {
      const frame = data.toString('utf8');
      if (frame.startsWith('{"type":"welcome"')) resolve(member);
      receive(member, frame);
    });
  });
}

function tcpMember(port: number, user: string, room: string): Promise<Member> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const member: Member = { send: (frame) => socket.write(frame), close: () => socket.destroy(), deliveries: 0, frames: 0, latencies: [] };
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed before its welcome')));
    socket.on('connect', () => socket.write(encodeFrame({ type: 'hello', ticket: ticket(user, room) })));
    socket.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const frame of lines) {
        if (frame.startsWith('{"type":"welcome"')) resolve(member);
        receive(member, frame);
      }
    });
  });
}

type Connect = (user: string, room: string) => Promise<Member>;

/** MEMBERS in a fresh room, connected in batches so the handshakes do not all queue at once. */
async function fillRoom(connect: Connect, room: string): Promise<Member[]> {
  const members: Member[] = [];
  for (let i = 0; i < MEMBERS; i += 100)
    members.push(...(await Promise.all(Array.from({ length: Math.min(100, MEMBERS - i) }, (_, j) => connect(`u${i + j}`, room)))));
  // A thousand arrivals are half a million presence frames: let them drain before measuring.
  await waitUntil(
    () => false,
    500,
    () => members.reduce((sum, m) => sum + m.frames, 0),
  );
  for (const member of members) member.deliveries = 0;
  return members;
}

/** One round: MEMBERS in a fresh room, SENDERS of them each send PER_SENDER messages at once. */
async function round(connect: Connect): Promise<{ rate: number; p50: number; p99: number; lost: number }> {
  const room = `bench-${Math.random().toString(36).slice(2)}`;
  const members = await fillRoom(connect, room);
  const burst = await measureBurst(
    members,
    SENDERS * PER_SENDER * (MEMBERS - 1),
    () => {
      for (let s = 0; s < SENDERS; s++) for (let i = 0; i < PER_SENDER; i++) members[s]!.send(say(room, i));
    },
    5000,
  );
  for (const member of members) member.close();
  return burst;
}

/** MEMBERS in a fresh room, STEADY_RATE messages a second for STEADY_SECONDS: latency when not saturated. */
async function steady(connect: Connect): Promise<{ p50: number; p99: number; lost: number }> {
  const room = `steady-${Math.random().toString(36).slice(2)}`;
  const members = await fillRoom(connect, room);
  const { sent } = await paced(STEADY_RATE, STEADY_SECONDS, (n) => members[n % SENDERS]!.send(say(room, n)), 20);
  const expected = sent * (MEMBERS - 1);
  const total = (): number => members.reduce((sum, m) => sum + m.deliveries, 0);
  await waitUntil(() => total() >= expected, 5000, total);
  const latencies = members.flatMap((m) => m.latencies);
  for (const member of members) member.close();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost: expected - total() };
}

async function startStack(): Promise<{ hubPort: number; webPort: number; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-bench-web-'));
  const config = await loopbackStackConfig(dataDir);
  const env = { ...commonConfigToEnv(config), THISCORD_SECRET: SECRET };
  // Flood control, the per-client output limit and the per-address quota (every bench client is on
  // 127.0.0.1) are raised: this measures relaying, not limits.
  const hub = await startService(
    'hub',
    [...RELAYING_HUB_FLAGS, ...['--max-connections-per-address', String(2 * MEMBERS), '--hello-timeout', '60s']],
    env,
  );
  const web = await startService('web', ['--web-clients-per-address', String(2 * MEMBERS)], env);
  return {
    hubPort: config.hubPort,
    webPort: config.webPort,
    stop: async () => {
      await stop(web);
      await stop(hub);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function run(): Promise<BenchRow[]> {
  const stack = await startStack();
  try {
    const viaWeb: Connect = (user, room) => webMember(stack.webPort, user, room);
    const viaTcp: Connect = (user, room) => tcpMember(stack.hubPort, user, room);
    const web = { burst: [await round(viaWeb), await round(viaWeb)], steady: await steady(viaWeb) };
    const tcp = { burst: [await round(viaTcp), await round(viaTcp)], steady: await steady(viaTcp) };
    const rows = (label: string, runs: typeof web, note: string): BenchRow[] => {
      const lost = Math.max(runs.steady.lost, ...runs.burst.map((r) => r.lost));
      return [
        report(
          `${label}: fan-out, ${SENDERS} × ${PER_SENDER} messages at once, median of 2`,
          median(runs.burst.map((r) => r.rate)),
          'deliveries/s',
          note,
        ),
        report(`${label}: fan-out p99 (queueing included)`, median(runs.burst.map((r) => r.p99)), 'ms', note),
        report(`${label}: steady ${STEADY_RATE} msg/s, p50`, runs.steady.p50, 'ms', note),
        report(`${label}: steady ${STEADY_RATE} msg/s, p99`, runs.steady.p99, 'ms', note),
        target(`${label}: deliveries lost`, lost, 'deliveries', '0', lost === 0),
      ];
    };
    return [
      ...rows(`${MEMBERS} WebSocket clients via web`, web, ''),
      ...rows(`${MEMBERS} TCP clients on the hub`, tcp, 'the hub alone, for comparison'),
    ];
  } finally {
    await stack.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runStandalone('Web service', run);
  process.exit(0);
}
