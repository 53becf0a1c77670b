import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { encodeFrame } from '../src/protocol/frames.js';
import { newInstanceId } from '../src/tickets/room-instance.js';
import { signTicket } from '../src/tickets/ticket.js';
import { percentile } from './report.js';

/**
 * The benchmarks' chat clients on the hub's TCP protocol, cheap enough that the driver is not what
 * is measured: deliveries are counted by a fixed prefix, and latency is read from the send time the
 * driver itself wrote at the start of each text (one clock, the driver's), once per chunk received.
 */

/** The ticket secret the benchmarks hand the hubs they start (THISCORD_SECRET), so drivers sign their own tickets. */
export const SECRET = 'bench-secret-0123456789abcdef0123456789';
const MESSAGE_PREFIX = Buffer.from('{"type":"message"');
const TEXT_MARK = '"text":"t=';
const NEWLINE = 0x0a;
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
export const now = (): number => performance.timeOrigin + performance.now();

export interface Member {
  socket: net.Socket;
  deliveries: number;
  latencies: number[];
}

const instances = new Map<string, string>();

/** A ticket for one room instance per name, as the room service would sign it with `secret`. */
export function ticket(user: string, room: string, secret: string | Buffer = SECRET): string {
  const iat = Date.now();
  let instance = instances.get(room);
  if (!instance) instances.set(room, (instance = newInstanceId(iat)));
  return signTicket(Buffer.from(secret), { user, room, instance, iat, exp: iat + 3_600_000 });
}

/** A `say` whose text starts with its send time, which the members who receive it read back. */
export const say = (room: string, id: number): string =>
  encodeFrame({ type: 'say', room, text: `t=${now().toFixed(3)} ${'x'.repeat(40)}`, id });

function occurrences(data: Buffer, needle: Buffer): number {
  let count = 0;
  for (let at = data.indexOf(needle); at >= 0; at = data.indexOf(needle, at + 1)) count++;
  return count;
}

/**
 * Connects one member per ticket at once and resolves when every one is welcomed; a member closed
 * before its welcome (a quota, a bad ticket) fails it with what the hub said.
 */
export async function connectMembers(port: number, tickets: readonly string[], sampleLatency: boolean): Promise<Member[]> {
  const members: Member[] = [];
  await Promise.all(
    tickets.map(
      (memberTicket, i) =>
        new Promise<void>((resolve, reject) => {
          let welcomed = false;
          let seen = '';
          // The end of the previous chunk when it ended inside a frame, so that a prefix split across two chunks is still counted.
          let carry: Buffer | null = null;
          const receive = (chunk: Buffer): void => {
            if (!welcomed) {
              seen += chunk.toString().slice(0, 300);
              welcomed = chunk.includes('"welcome"');
              if (welcomed) resolve();
            }
            // Only the seam is copied: a prefix cannot lie wholly inside either side of it.
            if (carry)
              member.deliveries += occurrences(Buffer.concat([carry, chunk.subarray(0, MESSAGE_PREFIX.length - 1)]), MESSAGE_PREFIX);
            member.deliveries += occurrences(chunk, MESSAGE_PREFIX);
            // Copied, since the read buffer is reused; most chunks end with a whole frame and need none.
            carry =
              chunk[chunk.length - 1] === NEWLINE
                ? null
                : Buffer.from(chunk.subarray(Math.max(0, chunk.length - (MESSAGE_PREFIX.length - 1))));
            if (sampleLatency) {
              // One sample per chunk keeps the driver cheap; the send time sits right after "t=".
              const at = chunk.indexOf(TEXT_MARK);
              if (at >= 0) {
                const start = at + TEXT_MARK.length;
                const end = chunk.indexOf(0x20, start);
                if (end > start) member.latencies.push(now() - Number(chunk.toString('latin1', start, end)));
              }
            }
          };
          // Reads land in one buffer shared by every member (handled at once, never kept), without a
          // stream 'data' event or a new Buffer per read: with thousands of members this is most of the driver's work.
          const socket = net.connect({
            port,
            host: '127.0.0.1',
            onread: {
              buffer: READ_BUFFER,
              callback: (length: number) => {
                receive(READ_BUFFER.subarray(0, length));
                return true;
              },
            },
          });
          const member: Member = { socket, deliveries: 0, latencies: [] };
          members.push(member);
          socket.setNoDelay(true);
          socket.on('error', reject);
          socket.on('close', () => {
            if (!welcomed) reject(new Error(`member ${i} was closed before its welcome; the hub said: ${seen || 'nothing'}`));
          });
          socket.on('connect', () => socket.write(encodeFrame({ type: 'hello', ticket: memberTicket })));
        }),
    ),
  );
  return members;
}

/**
 * The hub's flags for a relaying benchmark: flood control and the per-client output limit raised
 * and no history kept, so that what is measured is relaying, not limits.
 */
export const RELAYING_HUB_FLAGS: readonly string[] = [
  ...['--rate', '10000000', '--burst', '10000000'],
  ...['--max-output-bytes', String(256 * 1024 * 1024), '--history', '0'],
];

/**
 * Sends a burst with `sendAll` and waits for `expected` deliveries across `members`, or until
 * they stop coming for `idleMs`: the delivery rate, the members' latency percentiles and what was lost.
 */
export async function measureBurst(
  members: readonly { deliveries: number; latencies: number[] }[],
  expected: number,
  sendAll: () => void,
  idleMs: number,
): Promise<{ rate: number; p50: number; p99: number; lost: number }> {
  const total = (): number => members.reduce((sum, m) => sum + m.deliveries, 0);
  const start = now();
  sendAll();
  await waitUntil(() => total() >= expected, idleMs, total);
  const elapsed = (now() - start) / 1000;
  const latencies = members.flatMap((m) => m.latencies);
  return { rate: total() / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost: expected - total() };
}

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

/**
 * Calls `send` with 0, 1, 2, … at `rate` calls a second for `seconds`, a tick's worth at a time,
 * each tick timed from the start so that a late one does not push the rest back. Resolves with
 * how many it sent and how long that took, in seconds.
 */
export async function paced(
  rate: number,
  seconds: number,
  send: (n: number) => void,
  tickMs = 10,
): Promise<{ sent: number; wallSeconds: number }> {
  const perTick = (rate * tickMs) / 1000;
  const ticks = Math.round((seconds * 1000) / tickMs);
  const started = now();
  let sent = 0;
  for (let tick = 0; tick < ticks; tick++) {
    // Whole calls per tick that add up to the rate, also when it is not a multiple of the tick rate.
    const due = Math.floor((tick + 1) * perTick) - Math.floor(tick * perTick);
    for (let i = 0; i < due; i++) send(sent++);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (tick + 1) * tickMs - now())));
  }
  return { sent, wallSeconds: (now() - started) / 1000 };
}

/** A process's resident set (VmRSS), in KiB. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]);
}

/**
 * A driver holding thousands of sockets, and the services it starts (which inherit the limit),
 * need that many open files: this process's soft limit is raised as far as the hard limit allows,
 * with util-linux's prlimit.
 */
export function raiseFileLimit(needed: number): void {
  const limits = /Max open files\s+(\d+)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  if (!limits || Number(limits[1]) >= needed) return;
  const hard = limits[2] === 'unlimited' ? needed : Math.min(needed, Number(limits[2]));
  const raised = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${hard}:${limits[2]}`]);
  if (raised.status !== 0 || hard < needed)
    throw new Error(`this benchmark needs ${needed} open files (ulimit -n); the hard limit or prlimit did not allow it`);
}
