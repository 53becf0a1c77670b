import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import { commonConfigToEnv } from '../../src/config/options.js';
import { freePorts } from '../../support/ports.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { startService, startUntil, stop } from '../children.js';
import { type BenchRow, median, report, runStandalone, target } from '../report.js';
import { RawHttpClient } from './http-driver.js';

/**
 * Calls per second for list_rooms (10 rooms) and join_room against the room service and, in the
 * same run, Python's SimpleXMLRPCServer serving the same two methods, twice: as the seed ran it
 * (HTTP/1.0, so the driver reconnects for every call) and with HTTP/1.1 keep-alive, as the room
 * service is driven. Ratios compare with the keep-alive one, like with like. Every join is a real
 * one: a new member, made durable (fdatasync) by the room service before it answers; Python keeps
 * it in memory only.
 *
 * Durable joins have their own targets (issue 18): one sequential client against what the disk
 * allows (its fdatasync, measured beside it in every round), 8 clients against Python, 64 clients
 * an absolute rate. Beside the first two stands what no join can beat on this machine: a call that
 * does nothing (system.ping) over the same connection, so a missed target shows what limits it.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_ROOMS_SECONDS ?? 1);
/** Joins spread over this many rooms, so rooms stay the size of real groups (tens of members). */
const POOL = 1000;
const ROUNDS = Number(process.env.BENCH_ROOMS_ROUNDS ?? 3);
/** One sequential client must reach this share of the disk's fdatasync rate. */
const FLOOR_SHARE = 0.8;
const JOINS_64 = 15_000;

const call = (method: string, params: string[]): string =>
  `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param><value><string>${p}</string></value></param>`).join('')}</params></methodCall>`;

let users = 0;
const bodies = {
  list_rooms: () => call('list_rooms', []),
  join_room: () => call('join_room', [`pool-${users % POOL}`, `u${users++}`]),
  'system.ping': () => call('system.ping', []),
};

/** `clients` sequential callers, each on its own keep-alive connection, for SECONDS. */
async function drive(port: number, method: keyof typeof bodies, clients: number): Promise<{ calls: number; rate: number }> {
  const deadline = performance.now() + SECONDS * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new RawHttpClient(port);
      try {
        while (performance.now() < deadline) {
          await client.call(bodies[method]());
          done++;
        }
      } finally {
        client.close();
      }
    }),
  );
  return { calls: done, rate: done / ((performance.now() - started) / 1000) };
}

/**
 * CPU time the room service has used, in µs: its event loop's thread, and all its threads (the
 * fdatasyncs run on the thread pool). From Linux's /proc (ticks of 1/100 s); undefined elsewhere.
 */
function serviceCpu(pid: number | undefined): { loop: number; all: number } | undefined {
  if (pid === undefined) return undefined;
  const used = (file: string): number => {
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  };
  try {
    return { loop: used(`/proc/${pid}/task/${pid}/stat`), all: used(`/proc/${pid}/stat`) };
  } catch {
    return undefined;
  }
}

/**
 * Median time of one appended line made durable with fdatasync in `dir` (the service's data dir,
 * so the same disk). One sequential client waits for one of these per join, whatever the server
 * does, so this bounds its join rate from above.
 */
function fdatasyncMicros(dir: string): number {
  const fd = openSync(path.join(dir, 'fsync-probe'), 'a');
  const times: number[] = [];
  try {
    for (let i = 0; i < 300; i++) {
      const started = performance.now();
      writeSync(fd, `${'x'.repeat(200)}\n`);
      fdatasyncSync(fd);
      times.push((performance.now() - started) * 1000);
    }
  } finally {
    closeSync(fd);
  }
  return median(times);
}

type Server = 'ours' | 'python' | 'pythonKeepAlive';

/** Where each server listens, and the room service's process (whose CPU time is read). */
interface Servers {
  ports: Record<Server, number>;
  roomsPid: number | undefined;
}

/**
 * Medians over ROUNDS, each round driving every server in turn, so a busy moment hits them alike;
 * and the room service's CPU per call over all rounds (µs), when the system tells.
 */
async function measure(
  at: Servers,
  method: keyof typeof bodies,
  clients: number,
  servers: readonly Server[],
  beside?: () => number,
): Promise<{ rates: Record<Server, number>; beside: number; cpu?: { loop: number; all: number } }> {
  const rates: Record<Server, number[]> = { ours: [], python: [], pythonKeepAlive: [] };
  const besides: number[] = [];
  let ourCalls = 0;
  let cpu: { loop: number; all: number } | undefined = { loop: 0, all: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    for (const server of servers) {
      const before = server === 'ours' ? serviceCpu(at.roomsPid) : undefined;
      const { calls, rate } = await drive(at.ports[server], method, clients);
      rates[server].push(rate);
      if (server !== 'ours') continue;
      const after = serviceCpu(at.roomsPid);
      ourCalls += calls;
      cpu = cpu && before && after ? { loop: cpu.loop + after.loop - before.loop, all: cpu.all + after.all - before.all } : undefined;
    }
    if (beside) besides.push(beside());
  }
  return {
    rates: { ours: median(rates.ours), python: median(rates.python), pythonKeepAlive: median(rates.pythonKeepAlive) },
    beside: median(besides),
    ...(cpu && ourCalls > 0 ? { cpu: { loop: cpu.loop / ourCalls, all: cpu.all / ourCalls } } : {}),
  };
}

/**
 * The room service's CPU per join over a row's rounds: its event loop's thread is where joins
 * queue, so this shows whether the loop or the wait for the disk limits the row.
 */
function cpuRows(label: string, cpu: { loop: number; all: number } | undefined): BenchRow[] {
  if (!cpu) return [];
  return [
    report(
      `${label}: room-service CPU per join, event loop's thread`,
      cpu.loop,
      'µs',
      `all its threads ${cpu.all.toFixed(0)} µs; at one full core the loop allows ${Math.round(1e6 / cpu.loop).toLocaleString('en-US')} joins/s`,
    ),
  ];
}

function peerRows(label: string, rates: Record<Server, number>): BenchRow[] {
  return [
    report(`${label}: room service`, rates.ours, 'calls/s'),
    report(
      `${label}: Python SimpleXMLRPCServer, HTTP/1.0 (reconnects per call)`,
      rates.python,
      'calls/s',
      `the seed as it ran; room service ${(rates.ours / rates.python).toFixed(1)} × this`,
    ),
    report(`${label}: Python SimpleXMLRPCServer, HTTP/1.1 keep-alive`, rates.pythonKeepAlive, 'calls/s', 'like with like'),
  ];
}

export async function run(): Promise<BenchRow[]> {
  const [pythonPort, keepAlivePort] = (await freePorts(2)) as [number, number];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-bench-rooms-'));
  const config = await loopbackStackConfig(dataDir);
  const ours = await startService('rooms', [], { ...commonConfigToEnv(config), THISCORD_MAX_ROOMS_PER_USER: '10000000' });
  const script = path.join(here, '../../../bench/rooms/python_server.py');
  const python = await startUntil('python3', [script, String(pythonPort), String(POOL), 'http1.0'], {}, (line) => line === 'ready');
  const keepAlive = await startUntil(
    'python3',
    [script, String(keepAlivePort), String(POOL), 'keep-alive'],
    {},
    (line) => line === 'ready',
  );
  const at: Servers = { ports: { ours: config.roomsPort, python: pythonPort, pythonKeepAlive: keepAlivePort }, roomsPid: ours.pid };
  const all = ['ours', 'python', 'pythonKeepAlive'] as const;
  try {
    const client = new RoomsClient({ host: '127.0.0.1', port: config.roomsPort });
    for (let i = 0; i < 10; i++) await client.createRoom(`room-${i}`, 'owner');
    for (let i = 0; i < POOL; i++) await client.createRoom(`pool-${i}`, 'owner', { unlisted: true });
    const rows: BenchRow[] = [];
    for (const clients of [1, 8]) {
      const label = `list_rooms, ${clients} client${clients > 1 ? 's' : ''}`;
      const { rates } = await measure(at, 'list_rooms', clients, all);
      rows.push(...peerRows(label, rates));
      rows.push(
        target(
          `${label}: room service / Python keep-alive`,
          rates.ours / rates.pythonKeepAlive,
          '×',
          '>= 3',
          rates.ours >= 3 * rates.pythonKeepAlive,
        ),
      );
    }

    // One sequential client: the disk's fdatasync is measured in every round, right after the joins.
    const one = await measure(at, 'join_room', 1, all, () => fdatasyncMicros(dataDir));
    const floorRate = 1e6 / one.beside;
    const ping1 = (await measure(at, 'system.ping', 1, ['ours'])).rates.ours;
    const ceiling1 = 1e6 / (1e6 / ping1 + one.beside);
    rows.push(...peerRows('join_room, 1 client', one.rates));
    rows.push(
      report(
        'join_room, 1 client: room service / Python keep-alive',
        one.rates.ours / one.rates.pythonKeepAlive,
        '×',
        'Python does not sync',
      ),
      report("join_room, 1 client: this disk's fdatasync (a durable join's floor)", one.beside, 'µs'),
      report('join_room, 1 client: most any fsync-per-change server could do here', floorRate, 'calls/s', 'the disk, not the product'),
      report(
        'join_room, 1 client: a call doing nothing (system.ping), same connection',
        1e6 / ping1,
        'µs',
        `HTTP + XML-RPC on loopback; with the fdatasync, no join beats ${Math.round(ceiling1).toLocaleString('en-US')} calls/s = ${Math.round((100 * ceiling1) / floorRate)} % of the disk`,
      ),
      target(
        'join_room, 1 client: room service / what the disk allows',
        one.rates.ours / floorRate,
        '×',
        `>= ${FLOOR_SHARE}`,
        one.rates.ours >= FLOOR_SHARE * floorRate,
      ),
    );

    const eight = await measure(at, 'join_room', 8, all);
    const ping8 = (await measure(at, 'system.ping', 8, ['ours'])).rates.ours;
    rows.push(...peerRows('join_room, 8 clients', eight.rates));
    rows.push(
      report(
        'join_room, 8 clients: a call doing nothing (system.ping), same connections',
        ping8,
        'calls/s',
        `what no join beats here: ${(ping8 / eight.rates.pythonKeepAlive).toFixed(2)} × Python's joins`,
      ),
      ...cpuRows('join_room, 8 clients', eight.cpu),
      target(
        'join_room, 8 clients: room service / Python keep-alive',
        eight.rates.ours / eight.rates.pythonKeepAlive,
        '×',
        '>= 3',
        eight.rates.ours >= 3 * eight.rates.pythonKeepAlive,
      ),
    );

    // Python's HTTP/1.0 server has a listen backlog of 5: 64 clients reconnecting per call would
    // measure its backlog, so only the keep-alive one stands beside this.
    const many = await measure(at, 'join_room', 64, ['ours', 'pythonKeepAlive']);
    rows.push(report('join_room, 64 clients: Python SimpleXMLRPCServer, HTTP/1.1 keep-alive', many.rates.pythonKeepAlive, 'calls/s'));
    rows.push(
      ...cpuRows('join_room, 64 clients', many.cpu),
      target(
        'join_room, 64 clients: room service',
        many.rates.ours,
        'calls/s',
        `>= ${JOINS_64.toLocaleString('en-US')}`,
        many.rates.ours >= JOINS_64,
      ),
    );
    return rows;
  } finally {
    await stop(ours);
    await stop(python);
    await stop(keepAlive);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runStandalone('Room service', run);
}
