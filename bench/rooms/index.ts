import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import { commonConfigToEnv } from '../../src/config/options.js';
import { freePorts } from '../../support/ports.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { startUntil, stop } from '../children.js';
import { type BenchRow, median, report, runStandalone, target } from '../report.js';
import { RawHttpClient } from './http-driver.js';

/**
 * Calls per second for list_rooms (10 rooms) and join_room, one client and 8 concurrent ones,
 * against the room service and, in the same run, Python's SimpleXMLRPCServer serving the same two
 * methods, twice: as the seed ran it (HTTP/1.0, so the driver reconnects for every call) and with
 * HTTP/1.1 keep-alive, as the room service is driven. The target compares with the keep-alive
 * one, like with like. Every join is a real one: a new member, made durable (fsync) by the room
 * service before it answers; Python keeps it in memory only.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../..');
const SECONDS = Number(process.env.BENCH_ROOMS_SECONDS ?? 1);
/** Joins spread over this many rooms, so rooms stay the size of real groups (tens of members). */
const POOL = 1000;
const ROUNDS = Number(process.env.BENCH_ROOMS_ROUNDS ?? 3);

const call = (method: string, params: string[]): string =>
  `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param><value><string>${p}</string></value></param>`).join('')}</params></methodCall>`;

let users = 0;
const bodies = {
  list_rooms: () => call('list_rooms', []),
  join_room: () => call('join_room', [`pool-${users % POOL}`, `u${users++}`]),
};

/** `clients` sequential callers, each on its own keep-alive connection, for SECONDS; returns calls/s. */
async function drive(port: number, method: keyof typeof bodies, clients: number): Promise<number> {
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
  return done / ((performance.now() - started) / 1000);
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

export async function run(): Promise<BenchRow[]> {
  const [pythonPort, keepAlivePort] = (await freePorts(2)) as [number, number];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-bench-rooms-'));
  const config = await loopbackStackConfig(dataDir);
  const ours = await startUntil(
    process.execPath,
    [path.join(dist, 'services/rooms/main.js')],
    { ...commonConfigToEnv(config), THISCORD_MAX_ROOMS_PER_USER: '10000000' },
    (line) => line.includes('"ready":true'),
  );
  const script = path.join(here, '../../../bench/rooms/python_server.py');
  const python = await startUntil('python3', [script, String(pythonPort), String(POOL), 'http1.0'], {}, (line) => line === 'ready');
  const keepAlive = await startUntil(
    'python3',
    [script, String(keepAlivePort), String(POOL), 'keep-alive'],
    {},
    (line) => line === 'ready',
  );
  const ports: Record<Server, number> = { ours: config.roomsPort, python: pythonPort, pythonKeepAlive: keepAlivePort };
  try {
    const client = new RoomsClient({ host: '127.0.0.1', port: config.roomsPort });
    for (let i = 0; i < 10; i++) await client.createRoom(`room-${i}`, 'owner');
    for (let i = 0; i < POOL; i++) await client.createRoom(`pool-${i}`, 'owner', { unlisted: true });
    const rows: BenchRow[] = [];
    for (const method of ['list_rooms', 'join_room'] as const) {
      for (const clients of [1, 8]) {
        const rates: Record<Server, number[]> = { ours: [], python: [], pythonKeepAlive: [] };
        for (let round = 0; round < ROUNDS; round++) {
          for (const server of ['ours', 'python', 'pythonKeepAlive'] as const)
            rates[server].push(await drive(ports[server], method, clients));
        }
        const oursRate = median(rates.ours);
        const pythonRate = median(rates.python);
        const keepAliveRate = median(rates.pythonKeepAlive);
        const label = `${method}, ${clients} client${clients > 1 ? 's' : ''}`;
        rows.push(report(`${label}: room service`, oursRate, 'calls/s'));
        rows.push(
          report(
            `${label}: Python SimpleXMLRPCServer, HTTP/1.0 (reconnects per call)`,
            pythonRate,
            'calls/s',
            `the seed as it ran; room service ${(oursRate / pythonRate).toFixed(1)} × this`,
          ),
        );
        rows.push(report(`${label}: Python SimpleXMLRPCServer, HTTP/1.1 keep-alive`, keepAliveRate, 'calls/s', 'like with like'));
        rows.push(
          target(`${label}: room service / Python keep-alive`, oursRate / keepAliveRate, '×', '>= 3', oursRate >= 3 * keepAliveRate),
        );
        if (method === 'join_room' && clients === 1) {
          // What the disk allows: one sequential client waits for one fdatasync per join, whatever the server does.
          const floor = fdatasyncMicros(dataDir);
          rows.push(report(`${label}: this disk's fdatasync (a durable join's floor)`, floor, 'µs'));
          rows.push(
            report(`${label}: most any fsync-per-change server could do here`, 1e6 / floor, 'calls/s', 'the disk, not the product'),
          );
        }
      }
    }
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
