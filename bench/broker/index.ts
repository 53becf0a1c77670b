import { type ChildProcess, fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pull, Subscriber } from 'zeromq';
import { type CommonConfig, commonConfigToEnv } from '../../src/config/options.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { startService } from '../children.js';
import { type BenchRow, median, report, runStandalone, target } from '../report.js';

/**
 * 200,000 events of ~100-byte payload from one publisher to one prefix subscriber, through the real
 * broker process and through a raw PULL→PUB forwarder (the ceiling), alternately, in the same run.
 * The publisher is its own process; this process only counts frames, so neither driver side is
 * the bottleneck (checked by the "driver alone" figure: publisher straight into a PULL sink).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const EVENTS = Number(process.env.BENCH_BROKER_EVENTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_BROKER_ROUNDS ?? 7);
const IDLE_END_MS = 2000;

type Path = 'broker' | 'raw' | 'direct';
interface Trial {
  rate: number;
  received: number;
}

function waitForMessage(child: ChildProcess, match: (message: unknown) => boolean, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench child did not answer in time')), timeoutMs);
    child.on('message', (message) => {
      if (match(message)) {
        clearTimeout(timer);
        resolve(message);
      }
    });
  });
}

async function startForwarder(kind: 'broker' | 'raw', config: CommonConfig): Promise<ChildProcess> {
  if (kind === 'raw') {
    const child = fork(path.join(here, 'raw-forwarder.js'), [String(config.brokerPullPort), String(config.brokerPubPort)], {
      stdio: 'ignore',
    });
    await waitForMessage(child, (m) => m === 'ready', 10_000);
    return child;
  }
  return startService('broker', ['--stats-interval', '0'], commonConfigToEnv(config));
}

async function trial(kind: Path): Promise<Trial> {
  // The broker keeps nothing on disk: the temp dir only completes the configuration.
  const config = await loopbackStackConfig(os.tmpdir());
  const { brokerPullPort: pullPort, brokerPubPort: pubPort } = config;
  const forwarder = kind === 'direct' ? null : await startForwarder(kind, config);
  // Real events are told apart from warm-up frames by one byte or one length, to keep counting cheap.
  let socket: Subscriber | Pull;
  let isReal: (frames: Buffer[]) => boolean;
  if (kind === 'direct') {
    socket = new Pull({ receiveHighWaterMark: 100_000 });
    await socket.bind(`tcp://127.0.0.1:${pullPort}`);
    isReal = (frames) => frames[0]![20] !== 0x2d; // '{"topic":"room/bench-warmup"' has '-' at offset 20
  } else {
    const sub = new Subscriber({ receiveHighWaterMark: 100_000 });
    sub.connect(`tcp://127.0.0.1:${pubPort}`);
    if (kind === 'broker') {
      sub.subscribe('room/bench');
      isReal = (frames) => frames[0]!.length === 10;
    } else {
      sub.subscribe('raw/bench');
      isReal = (frames) => frames[1]![20] !== 0x2d;
    }
    socket = sub;
  }
  const publisher = fork(path.join(here, 'publisher-driver.js'), [String(pullPort), String(EVENTS)], { stdio: 'ignore' });
  let received = 0;
  let first = 0;
  let last = 0;
  let warm = false;
  let idle: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    const arm = (): void => {
      clearTimeout(idle);
      idle = setTimeout(resolve, IDLE_END_MS);
    };
    void (async () => {
      for await (const frames of socket) {
        if (!isReal(frames)) {
          if (!warm) {
            warm = true;
            publisher.send('go');
            arm();
          }
          continue;
        }
        if (received === 0) first = performance.now();
        received++;
        last = performance.now();
        if (received === EVENTS) break;
        if ((received & 4095) === 0) arm();
      }
      resolve();
    })();
  });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 60_000))]);
  clearTimeout(idle);
  socket.close();
  publisher.kill('SIGKILL');
  forwarder?.kill('SIGTERM');
  await new Promise((resolve) => (forwarder ? forwarder.once('exit', resolve) : resolve(undefined)));
  const seconds = (last - first) / 1000;
  return { rate: seconds > 0 ? received / seconds : 0, received };
}

export async function run(): Promise<BenchRow[]> {
  const driver = await trial('direct');
  const raw: Trial[] = [];
  const broker: Trial[] = [];
  // Alternate which goes first so that drift in machine load does not favour either.
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      raw.push(await trial('raw'));
      broker.push(await trial('broker'));
    } else {
      broker.push(await trial('broker'));
      raw.push(await trial('raw'));
    }
  }
  const rawRate = median(raw.map((t) => t.rate));
  const brokerRate = median(broker.map((t) => t.rate));
  const lost = Math.max(...broker.map((t) => EVENTS - t.received));
  // Each round's two runs are back to back, so their ratio sees the same machine load; the
  // median of those ratios is steadier than a ratio of medians on a noisy machine.
  const ratio = median(broker.map((t, i) => (t.rate / raw[i]!.rate) * 100));
  const rawLost = Math.max(...raw.map((t) => EVENTS - t.received));
  return [
    target(
      'driver alone (publisher → PULL sink)',
      driver.rate,
      'events/s',
      'above the raw forwarder (else the driver is the limit)',
      driver.rate > rawRate,
    ),
    report(`raw PULL→PUB forwarder (ceiling), median of ${ROUNDS}`, rawRate, 'events/s', `reference; worst round lost ${rawLost}`),
    report(`through the broker, median of ${ROUNDS}`, brokerRate, 'events/s', 'see the ratio below'),
    target(`broker / raw forwarder, median of ${ROUNDS} paired rounds`, ratio, '%', '>= 90 %', ratio >= 90),
    target(`events lost through the broker (worst of ${ROUNDS} × ${EVENTS.toLocaleString('en-US')})`, lost, 'events', '0', lost === 0),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runStandalone('Event broker', run);
}
