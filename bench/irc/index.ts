import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commonConfigToEnv } from '../../src/config/options.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { measureBurst, now, RELAYING_HUB_FLAGS, SECRET } from '../chat-driver.js';
import { startService, stop } from '../children.js';
import { fanOut, startHub } from '../hub/index.js';
import { type BenchRow, median, report, runStandalone, target } from '../report.js';

/**
 * The IRC gateway under the hub benchmark's load: 50 IRC clients in one channel, each sending 200
 * PRIVMSGs at once, every message delivered to the 49 others — through the gateway's parsing, its
 * hub connection per user and the hub. The same load straight into the hub runs beside it.
 */
const CLIENTS = 50;
const PER_CLIENT = 200;
const DELIVERY = Buffer.from(' PRIVMSG #');
const TEXT_MARK = ' :t=';

interface IrcMember {
  socket: net.Socket;
  deliveries: number;
  latencies: number[];
}

async function connectClients(port: number, channel: string): Promise<IrcMember[]> {
  const members: IrcMember[] = [];
  // One at a time: the first creates the room, and the room service is not what is measured here.
  for (let i = 0; i < CLIENTS; i++) {
    members.push(
      await new Promise<IrcMember>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        const member: IrcMember = { socket, deliveries: 0, latencies: [] };
        let joined = false;
        let carry: Buffer = Buffer.alloc(0);
        socket.setNoDelay(true);
        socket.on('error', reject);
        socket.on('data', (chunk: Buffer) => {
          const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
          if (!joined && data.includes(` 366 b${i} ${channel} `)) {
            joined = true;
            resolve(member);
          }
          for (let at = data.indexOf(DELIVERY); at >= 0; at = data.indexOf(DELIVERY, at + 1)) member.deliveries++;
          const at = data.indexOf(TEXT_MARK);
          if (at >= 0) {
            const start = at + TEXT_MARK.length;
            const end = data.indexOf(0x20, start);
            if (end > start) member.latencies.push(now() - Number(data.toString('latin1', start, end)));
          }
          carry = data.subarray(data.length - (DELIVERY.length - 1));
        });
        socket.on('connect', () => socket.write(`NICK b${i}\r\nUSER b${i} 0 * :bench\r\nJOIN ${channel}\r\n`));
      }),
    );
  }
  return members;
}

async function throughGateway(port: number): Promise<{ rate: number; p50: number; p99: number; lost: number }> {
  const channel = `#irc-${Math.random().toString(36).slice(2, 10)}`;
  const members = await connectClients(port, channel);
  // Everyone's JOIN has reached everyone before the clock starts.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const member of members) member.deliveries = 0;
  const burst = await measureBurst(
    members,
    CLIENTS * PER_CLIENT * (CLIENTS - 1),
    () => {
      for (const member of members) {
        let lines = '';
        for (let i = 0; i < PER_CLIENT; i++) lines += `PRIVMSG ${channel} :t=${now().toFixed(3)} ${'x'.repeat(40)}\r\n`;
        member.socket.write(lines);
      }
    },
    3000,
  );
  for (const member of members) member.socket.destroy();
  return burst;
}

async function startStack(): Promise<{ ircPort: number; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-bench-irc-'));
  // No broker runs: events go nowhere, as publishers never block on a missing broker.
  const config = await loopbackStackConfig(dataDir);
  const env = { ...commonConfigToEnv(config), THISCORD_SECRET: SECRET };
  const rooms = await startService('rooms', [], env);
  // The hub's and the gateway's flood control and output limits are raised, as in the hub benchmark:
  // this measures relaying, not limits.
  const hub = await startService('hub', [...RELAYING_HUB_FLAGS], env);
  const irc = await startService(
    'irc',
    [
      '--irc-line-rate',
      '1000000',
      '--irc-line-burst',
      '1000000',
      '--irc-max-queued-lines',
      '1000000',
      '--irc-max-output-bytes',
      String(256 * 1024 * 1024),
      '--irc-clients-per-address',
      String(CLIENTS * 2),
    ],
    env,
  );
  return {
    ircPort: config.ircPort,
    stop: async () => {
      await stop(irc);
      await stop(hub);
      await stop(rooms);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function run(): Promise<BenchRow[]> {
  const stack = await startStack();
  let gateway: { rate: number; p50: number; p99: number; lost: number }[];
  try {
    gateway = [await throughGateway(stack.ircPort), await throughGateway(stack.ircPort), await throughGateway(stack.ircPort)];
  } finally {
    await stack.stop();
  }
  const hub = await startHub();
  let direct: { rate: number; p99: number }[];
  try {
    direct = [await fanOut(hub.port), await fanOut(hub.port), await fanOut(hub.port)];
  } finally {
    await hub.stop();
  }
  const lost = Math.max(...gateway.map((g) => g.lost));
  const load = `${CLIENTS} clients × ${PER_CLIENT} messages, median of 3`;
  return [
    report(`through the gateway: ${load}`, median(gateway.map((g) => g.rate)), 'deliveries/s'),
    report('through the gateway: latency p99 (send → receipt)', median(gateway.map((g) => g.p99)), 'ms'),
    target('through the gateway: deliveries lost (worst of 3)', lost, 'deliveries', '0', lost === 0),
    report(`direct to the hub, same load: ${load}`, median(direct.map((d) => d.rate)), 'deliveries/s', 'the hub alone, for comparison'),
    report('direct to the hub: latency p99', median(direct.map((d) => d.p99)), 'ms', 'the hub alone, for comparison'),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runStandalone('IRC gateway', run);
  process.exit(0);
}
