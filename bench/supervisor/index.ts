import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commonConfigToEnv } from '../../src/config/options.js';
import { HubProbe } from '../../src/supervisor/probes/hub-probe.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { stop } from '../children.js';
import { type BenchRow, median, runStandalone, target } from '../report.js';

/**
 * Median of 10: from starting `thiscord up` to its supervisor.up record (every service healthy),
 * and from kill -9 of the hub to the hub answering a ping again. supervisord, for scale, calls a
 * restarted program running only after its startsecs (1 s by default).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, '../../src/cli/main.js');
const RUNS = Number(process.env.BENCH_SUPERVISOR_RUNS ?? 10);

interface Up {
  child: ChildProcess;
  hubPid(): number | undefined;
  hubPort: number;
  dataDir: string;
}

async function up(args: string[] = []): Promise<{ up: Up; ms: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-bench-sup-'));
  const config = await loopbackStackConfig(dataDir);
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'up', ...args], {
    env: { ...process.env, ...commonConfigToEnv(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let hubPid: number | undefined;
  const ms = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`up exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const record = JSON.parse(line) as Record<string, unknown>;
        if (record.event === 'service.running' && record.service === 'hub') hubPid = record.pid as number;
        if (record.event === 'supervisor.up') resolve(performance.now() - started);
      }
    });
  });
  return { up: { child, hubPid: () => hubPid, hubPort: config.hubPort, dataDir }, ms };
}

async function down(stack: Up): Promise<void> {
  await stop(stack.child);
  rmSync(stack.dataDir, { recursive: true, force: true });
}

export async function run(): Promise<BenchRow[]> {
  const starts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = await up();
    starts.push(started.ms);
    await down(started.up);
  }
  // Ten kills in a row would pass the restart intensity limit (5 in 60 s) and double the backoff each
  // time (it resets after 30 s healthy): both are lifted so that every kill measures a first crash.
  const { up: stack } = await up(['--max-restarts', '100', '--backoff-reset', '250ms']);
  const probe = new HubProbe({ host: '127.0.0.1', port: stack.hubPort });
  const recoveries: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const victim = stack.hubPid()!;
      const killed = performance.now();
      process.kill(victim, 'SIGKILL');
      for (;;) {
        const answered = await probe.check(200).then(
          () => stack.hubPid() !== victim,
          () => false,
        );
        if (answered) break;
        if (performance.now() - killed > 15_000) throw new Error('the hub did not come back within 15 s');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      recoveries.push(performance.now() - killed);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  } finally {
    await down(stack);
  }
  const start = median(starts);
  const recovery = median(recoveries);
  return [
    target(`cold start to all healthy, median of ${RUNS}`, start, 'ms', '< 1000 ms', start < 1000),
    target(`hub recovery after kill -9 (answers ping), median of ${RUNS}`, recovery, 'ms', '< 300 ms', recovery < 300),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runStandalone('Supervisor', run);
}
