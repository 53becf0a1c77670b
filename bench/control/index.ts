import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ControlClient } from '../../src/clients/control/control-client.js';
import { commonConfigToEnv } from '../../src/config/options.js';
import { CLI_ENTRY as CLI } from '../../src/stack/entry-points.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { type BenchRow, median, report, runStandalone, target } from '../report.js';

/**
 * `thiscord status` as a person or a monitor runs it: a new Node process, the CLI loaded, one
 * XML-RPC call over the control socket, the table printed; median of 20 against a detached stack.
 * Beside it, for scale: the call alone from a process already running, `thiscord --version` (the
 * CLI's own start: Node, yargs and the command list, no command loaded) and a bare `node` start
 * (the floor no CLI can go under).
 */
const RUNS = Number(process.env.BENCH_CONTROL_RUNS ?? 20);
const execute = promisify(execFile);

async function timed(action: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await action();
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function run(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-bench-control-'));
  const env = { ...process.env, ...commonConfigToEnv(await loopbackStackConfig(dataDir)) };
  await execute(process.execPath, [CLI, 'up', '--detach'], { env });
  try {
    const client = new ControlClient(dataDir);
    await client.call('status');
    const status = await timed(() => execute(process.execPath, [CLI, 'status'], { env }), RUNS);
    const call = await timed(() => client.call('status'), RUNS);
    const cliStart = await timed(() => execute(process.execPath, [CLI, '--version'], { env }), RUNS);
    const bare = await timed(() => execute(process.execPath, ['-e', '0']), RUNS);
    return [
      target(`thiscord status round trip, CLI start included, median of ${RUNS}`, status, 'ms', '< 150 ms', status < 150),
      report(`the status call alone (XML-RPC over the socket), median of ${RUNS}`, call, 'ms', 'for scale'),
      report(`the CLI's own start (thiscord --version), median of ${RUNS}`, cliStart, 'ms', 'for scale'),
      report(`a bare node start (node -e 0), median of ${RUNS}`, bare, 'ms', 'the floor for any CLI'),
    ];
  } finally {
    await execute(process.execPath, [CLI, 'down'], { env });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runStandalone('Control plane', run);
}
