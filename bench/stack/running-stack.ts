import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ControlClient } from '../../src/clients/control/control-client.js';
import { type CommonConfig, commonConfigToEnv } from '../../src/config/options.js';
import type { LiveFigures } from '../../src/protocol/control-api.js';
import { CLI_ENTRY as CLI } from '../../src/stack/entry-points.js';
import { loopbackStackConfig } from '../../support/stack-config.js';
import { rssKiB } from '../chat-driver.js';
import { startUntil, stop } from '../children.js';

/** Every registered service healthy, on a loaded machine too. */
const UP_TIMEOUT_MS = 60_000;
/** Longer than every service's stop grace (5 s) in turn. */
const STOP_TIMEOUT_MS = 40_000;
const WARNINGS_KEPT = 20;

/** One process of the stack as the control plane names it: the supervisor or a service. */
export interface StackProcess {
  name: string;
  /** Absent while it is not running (restarting, say). */
  pid: number | undefined;
}

/** A process's proportional share of the memory it maps (Pss): shared pages counted once across the stack. */
function pssKiB(pid: number): number {
  return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? Number.NaN);
}

/** A figure read from /proc, or NaN when the process is not running (gone between the status call and the read, too). */
export function ofRunning(pid: number | undefined, read: (pid: number) => number): number {
  if (pid === undefined) return Number.NaN;
  try {
    return read(pid);
  } catch {
    return Number.NaN;
  }
}

/**
 * `thiscord up` as `npm run up` runs it (the supervisor and every registered service), on free
 * ports from this checkout's range and a fresh data dir; `env` adds THISCORD_* settings the
 * services read. Its processes are the ones the control plane reports, never found by scanning.
 */
export class RunningStack {
  /** The supervisor's latest warnings and errors (its own and its services'), to say what went wrong. */
  private readonly warnings: string[] = [];

  private constructor(
    readonly config: CommonConfig,
    private readonly supervisor: ChildProcess,
  ) {
    let partial = '';
    supervisor.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!/"level":(40|50|60)/.test(line)) continue;
        this.warnings.push(line.slice(0, 500));
        if (this.warnings.length > WARNINGS_KEPT) this.warnings.shift();
      }
    });
  }

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

  /** The supervisor first, then each service, with the pids the control plane reports now (none for one not running). */
  async processes(): Promise<StackProcess[]> {
    const status = await new ControlClient(this.config.dataDir).call('status');
    return [{ name: 'supervisor', pid: status.pid }, ...status.services.map((service) => ({ name: service.name, pid: service.pid }))];
  }

  /** The services' live figures, as `thiscord status` shows them. */
  async figures(): Promise<LiveFigures> {
    return (await new ControlClient(this.config.dataDir).call('status')).figures;
  }

  /** Restarts of any service since the start, and what they were: the reason for each one's last, the supervisor's warnings. */
  async restarts(): Promise<{ count: number; detail: string }> {
    const status = await new ControlClient(this.config.dataDir).call('status');
    const restarted = status.services.filter((service) => service.restarts_total > 0);
    const detail = restarted.map(
      (service) => `${service.name} restarted ${service.restarts_total}× (last: ${service.last_exit?.reason ?? 'unknown'})`,
    );
    return {
      count: restarted.reduce((sum, service) => sum + service.restarts_total, 0),
      detail: [...detail, ...(restarted.length ? this.warnings : [])].join('\n'),
    };
  }

  /** Each process's resident set (VmRSS) and proportional share (Pss), in KiB; NaN for one not running. */
  async memory(): Promise<{ name: string; rssKiB: number; pssKiB: number }[]> {
    return (await this.processes()).map(({ name, pid }) => ({ name, rssKiB: ofRunning(pid, rssKiB), pssKiB: ofRunning(pid, pssKiB) }));
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
