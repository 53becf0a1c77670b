import { fileURLToPath } from 'node:url';
import { raiseFileLimit } from '../chat-driver.js';
import { type BenchRow, report, runStandalone, target } from '../report.js';
import { RunningStack } from './running-stack.js';
import { type CpuTimes, cpuTotal, type ScaleShape, scaleLoad } from './scale-load.js';

/**
 * The whole stack as `npm run up` starts it. Idle: the memory of every process once it is healthy
 * and quiet. Scale: chat clients of the hub with tickets from the room service, in many rooms, with
 * a steady stream of messages spread over them; delivery latency and every process's memory under
 * that load. BENCH_STACK_CLIENTS, _ROOMS, _RATE and _SECONDS shrink it while developing.
 */
const SHAPE: ScaleShape = {
  clients: Number(process.env.BENCH_STACK_CLIENTS ?? 10_000),
  rooms: Number(process.env.BENCH_STACK_ROOMS ?? 100),
  rate: Number(process.env.BENCH_STACK_RATE ?? 1000),
  seconds: Number(process.env.BENCH_STACK_SECONDS ?? 10),
};
/** Idle: sampled this often until the stack's total moves less than IDLE_STEADY between samples. */
const IDLE_SAMPLE_MS = 500;
const IDLE_STEADY = 0.01;
/** Long enough for every service to have answered a probe (every 2 s) before the first sample. */
const IDLE_FIRST_SAMPLE_MS = 2500;
const IDLE_MAX_MS = 15_000;
const MiB = 1024;

const split = (times: CpuTimes): string => `${times.user.toFixed(1)} µs user + ${times.kernel.toFixed(1)} µs kernel`;
/** The larger figure, a missing or NaN one (a process not running) counting as none. */
const larger = (figure: number, before: number | undefined): number =>
  before === undefined || Number.isNaN(before) || figure > before ? figure : before;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
type Memory = Awaited<ReturnType<RunningStack['memory']>>;
const sum = (memory: Memory, of: 'rssKiB' | 'pssKiB'): number => memory.reduce((total, one) => total + one[of], 0);

async function idleMemory(stack: RunningStack): Promise<Memory> {
  await pause(IDLE_FIRST_SAMPLE_MS);
  const deadline = Date.now() + IDLE_MAX_MS;
  let memory = await stack.memory();
  for (;;) {
    await pause(IDLE_SAMPLE_MS);
    const next = await stack.memory();
    const moved = Math.abs(sum(next, 'rssKiB') - sum(memory, 'rssKiB')) / sum(memory, 'rssKiB');
    memory = next;
    if (moved < IDLE_STEADY || Date.now() > deadline) return memory;
  }
}

function memoryRows(label: string, memory: Memory): BenchRow[] {
  return [
    ...memory.map((one) => report(`${label}: ${one.name} RSS`, one.rssKiB / MiB, 'MiB')),
    report(
      `${label}: whole stack RSS (${memory.length} processes)`,
      sum(memory, 'rssKiB') / MiB,
      'MiB',
      'VmRSS summed: shared pages counted in each',
    ),
    report(`${label}: whole stack PSS`, sum(memory, 'pssKiB') / MiB, 'MiB', 'shared pages divided among the processes sharing them'),
  ];
}

async function idle(): Promise<BenchRow[]> {
  const stack = await RunningStack.start();
  try {
    return memoryRows('idle', await idleMemory(stack));
  } finally {
    await stack.stop();
  }
}

async function scale(): Promise<BenchRow[]> {
  // A socket per client in the driver, and as many in the hub, which inherits this limit through the supervisor.
  raiseFileLimit(SHAPE.clients + 1000);
  // Every driver client comes from 127.0.0.1: the per-address quota is raised, and the total so that all fit.
  const stack = await RunningStack.start({
    THISCORD_MAX_CONNECTIONS_PER_ADDRESS: String(SHAPE.clients + 100),
    THISCORD_MAX_CONNECTIONS: String(Math.max(10_000, SHAPE.clients + 100)),
  });
  try {
    const hub = (await stack.processes()).find((one) => one.name === 'hub');
    if (hub?.pid === undefined) throw new Error('the control plane lists no running hub');
    // Each process's largest figures: a service killed under the load (the restarts row) is replaced by a fresh one.
    const peak = new Map<string, Memory[number]>();
    const result = await scaleLoad(stack.config, hub.pid, SHAPE, async () => {
      for (const one of await stack.memory()) {
        const before = peak.get(one.name);
        peak.set(one.name, {
          name: one.name,
          rssKiB: larger(one.rssKiB, before?.rssKiB),
          pssKiB: larger(one.pssKiB, before?.pssKiB),
        });
      }
    }).catch(async (error: Error) => {
      // A service restarted under the load is the first thing to know about a run that broke off.
      const { detail } = await stack.restarts();
      throw detail ? new Error(`${error.message}\n${detail}`) : error;
    });
    const restarts = await stack.restarts();
    const hubStall = (await stack.figures()).hub?.loop_delay_max_ms ?? Number.NaN;
    if (restarts.count > 0) process.stderr.write(`bench stack: ${restarts.detail}\n`);
    const load = `${SHAPE.clients} clients in ${SHAPE.rooms} rooms, ${SHAPE.rate} msg/s in all`;
    return [
      report(`${load}: p50 delivery latency`, result.p50, 'ms', 'send → receipt at every other member, driver clock'),
      target(`${load}: p99 delivery latency`, result.p99, 'ms', '< 50 ms', result.p99 < 50),
      target(`${load}: deliveries lost`, result.lost, 'deliveries', '0', result.lost === 0),
      target(`${load}: service restarts`, restarts.count, '', '0', restarts.count === 0),
      report(
        `${load}: tickets from the room service`,
        result.joinMs,
        'ms',
        `${SHAPE.rooms} create_room, the rest join_room, before connecting`,
      ),
      report("under that load: the hub's CPU", result.hubCpu, '% of a core', `${result.sent} messages in ${SHAPE.seconds} s`),
      report(
        "under that load: the hub's CPU per delivery",
        cpuTotal(result.hubPerDelivery),
        'µs',
        `${split(result.hubPerDelivery)}; on loopback the kernel part includes the receiving sockets' TCP work`,
      ),
      report(
        "under that load: the driver's own CPU",
        result.driverCpu,
        '% of a core',
        'every client, sending and receiving, in one process',
      ),
      report(
        "under that load: the hub's longest event-loop stall",
        hubStall,
        'ms',
        `since the current hub process started: ${SHAPE.clients} connecting, then the load; a probe waits at most this long`,
      ),
      report("under that load: the driver's CPU per delivery", cpuTotal(result.driverPerDelivery), 'µs', split(result.driverPerDelivery)),
      report(
        "under that load: the driver's longest event-loop delay",
        result.driverDelayMax,
        'ms',
        `p99 ${result.driverDelayP99.toFixed(1)} ms: how late the driver itself may have read a delivery (sampled every 1 ms)`,
      ),
      ...memoryRows('under that load, largest', [...peak.values()]),
    ];
  } finally {
    await stack.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  return [...(await idle()), ...(await scale())];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runStandalone('Whole stack', run);
}
