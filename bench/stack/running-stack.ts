import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlClient } from '../../src/clients/control/control-client.js';
import { type CommonConfig, commonConfigToEnv } from '../../src/config/options.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { rssKiB } from '../chat-driver.js';
import { startUntil, stop } from '../children.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, '../../src/cli/main.js');
/** Every registered service healthy, on a loaded machine too. */
const UP_TIMEOUT_MS = 60_000;
/** Longer than every service's stop grace (5 s) in turn. */
const STOP_TIMEOUT_MS = 40_000;

/** One process of the stack as the control plane names it: the supervisor or a service. */
export interface StackProcess {
  name: string;
  pid: number;
}

/** A process's proportional share of the memory it maps (Pss): shared pages counted once across the stack. */
function pssKiB(pid: number): number {
  return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? Number.NaN);
}

/**
 * `thiscord up` as `npm run up` runs it (the supervisor and every registered service), on free
 * ports from this checkout's range and a fresh data dir; `env` adds THISCORD_* settings the
 * services read. Its processes are the ones the control plane reports, never found by scanning.
 */
export class RunningStack {
  private constructor(
    readonly config: CommonConfig,
    private readonly supervisor: ChildProcess,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<RunningStack> {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-bench-stack-'));
    try {
      const config = await loopbackStackConfig(dataDir);
      const supervisor = await startUntil(
        process.execPath,
        [CLI, 'up'],
        { ...commonConfigToEnv(config), ...env },
        (line) => line.includes('"supervisor.up"'),
        UP_TIMEOUT_MS,
      );
      return new RunningStack(config, supervisor);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The supervisor first, then each service, with the pids the control plane reports now. */
  async processes(): Promise<StackProcess[]> {
    const status = await new ControlClient(this.config.dataDir).call('status');
    const services = status.services.map((service) => {
      if (service.pid === undefined) throw new Error(`${service.name} has no pid (it is ${service.state}); the stack is not all running`);
      return { name: service.name, pid: service.pid };
    });
    return [{ name: 'supervisor', pid: status.pid }, ...services];
  }

  /** Each process's resident set (VmRSS) and proportional share (Pss), in KiB. */
  async memory(): Promise<{ name: string; rssKiB: number; pssKiB: number }[]> {
    return (await this.processes()).map(({ name, pid }) => ({ name, rssKiB: rssKiB(pid), pssKiB: pssKiB(pid) }));
  }

  /** SIGTERM, as Ctrl-C would; a supervisor that has not finished stopping in time is killed (its services follow it). */
  async stop(): Promise<void> {
    const deadline = setTimeout(() => this.supervisor.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      await stop(this.supervisor);
    } finally {
      clearTimeout(deadline);
      rmSync(this.config.dataDir, { recursive: true, force: true });
    }
  }
}
