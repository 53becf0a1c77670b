import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import { startUntil, stop } from '../children.js';
import { freePorts } from '../ports.js';
import { type BenchFigure, median, runStandalone } from '../report.js';
import { RawHttpClient } from './http-driver.js';

/**
 * Calls per second for list_rooms (10 rooms) and join_room, one keep-alive client and 8
 * concurrent ones, against the room service and, in the same run, Python's SimpleXMLRPCServer
 * serving the same two methods (the seed's own server). Every join is a real one: a new member,
 * made durable (fsync) by the room service before it answers.
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

export async function run(): Promise<BenchFigure[]> {
  const [oursPort, pythonPort] = (await freePorts(2)) as [number, number];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-bench-rooms-'));
  const ours = await startUntil(
    process.execPath,
    [path.join(dist, 'services/rooms/main.js')],
    {
      THISCORD_ROOMS_PORT: String(oursPort),
      THISCORD_DATA_DIR: dataDir,
      THISCORD_LOG_FORMAT: 'json',
      THISCORD_BROKER_PULL_PORT: String((await freePorts(1))[0]),
    },
    (line) => line.includes('"ready":true'),
  );
  const python = await startUntil(
    'python3',
    [path.join(here, '../../../bench/rooms/python_server.py'), String(pythonPort), String(POOL)],
    {},
    (line) => line === 'ready',
  );
  try {
    const client = new RoomsClient({ host: '127.0.0.1', port: oursPort });
    for (let i = 0; i < 10; i++) await client.createRoom(`room-${i}`, 'owner');
    for (let i = 0; i < POOL; i++) await client.createRoom(`pool-${i}`, 'owner', { unlisted: true });
    const rows: BenchFigure[] = [];
    for (const method of ['list_rooms', 'join_room'] as const) {
      for (const clients of [1, 8]) {
        const oursRates: number[] = [];
        const pythonRates: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          oursRates.push(await drive(oursPort, method, clients));
          pythonRates.push(await drive(pythonPort, method, clients));
        }
        const oursRate = median(oursRates);
        const pythonRate = median(pythonRates);
        const label = `${method}, ${clients} client${clients > 1 ? 's' : ''}`;
        rows.push({
          figure: `${label}: room service`,
          value: oursRate,
          unit: 'calls/s',
          target: '>= 3 × Python',
          pass: oursRate >= 3 * pythonRate,
        });
        rows.push({ figure: `${label}: Python SimpleXMLRPCServer`, value: pythonRate, unit: 'calls/s', target: 'reference', pass: true });
        rows.push({ figure: `${label}: ratio`, value: oursRate / pythonRate, unit: '×', target: '>= 3', pass: oursRate >= 3 * pythonRate });
        if (method === 'join_room' && clients === 1) {
          // Python keeps joins in memory only; the room service makes each durable before answering.
          const floor = fdatasyncMicros(dataDir);
          const ceiling = 1e6 / floor;
          rows.push({
            figure: `${label}: this disk's fdatasync (a durable join's floor)`,
            value: floor,
            unit: 'µs',
            target: 'report',
            pass: true,
          });
          rows.push({
            figure: `${label}: best any fsync-per-change server could do`,
            value: ceiling,
            unit: 'calls/s',
            target: '>= 3 × Python (else the target is out of reach here)',
            pass: ceiling >= 3 * pythonRate,
          });
        }
      }
    }
    return rows;
  } finally {
    await stop(ours);
    await stop(python);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runStandalone('Room service', run);
  process.exit(0);
}
