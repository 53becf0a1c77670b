import { readFileSync } from 'node:fs';
import { CLI, type LogLine, type StackEnv, startProcess, type TestProcess } from './processes.js';
import { waitFor } from './wait.js';

/**
 * Whether a process still runs. A zombie (exited, not yet reaped by init, as services are once
 * their supervisor died) has stopped running: signal 0 would still reach it, so /proc decides.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** `thiscord up` as a child process with NDJSON output, waited on until supervisor.up. */
export class RunningStack {
  private constructor(readonly proc: TestProcess) {}

  static up(stack: StackEnv, args: string[] = [], timeoutMs = 20_000): Promise<RunningStack> {
    return RunningStack.start(stack, CLI, ['up', ...args], timeoutMs);
  }

  /** Runs `node file ...args`, which must be a way of running `thiscord up`. */
  static async start(stack: StackEnv, file: string, args: string[], timeoutMs = 20_000): Promise<RunningStack> {
    const proc = startProcess('up', file, args, stack.env);
    await proc.waitForLine('supervisor.up', (line) => line.event === 'supervisor.up', timeoutMs);
    return new RunningStack(proc);
  }

  /** Records with this event type, oldest first. */
  events(type: string, service?: string): LogLine[] {
    return this.proc.lines.filter((line) => line.event === type && (service === undefined || line.service === service));
  }

  /** A point in the log, to ask later what happened since. */
  mark(): number {
    return this.proc.lines.length;
  }

  /** Records with this event type since `mark`. */
  eventsSince(mark: number, type: string, service?: string): LogLine[] {
    return this.proc.lines.slice(mark).filter((line) => line.event === type && (service === undefined || line.service === service));
  }

  /**
   * What became of the services other than `except` since `mark`, each from its pid in `before`:
   * how often the supervisor saw it exit, and whether that very process still runs. (The latest
   * service.running record would not tell: it stays the same until a restart has finished.)
   */
  others(before: Record<string, number>, mark: number, except: string): { service: string; exits: number; alive: boolean }[] {
    return Object.entries(before)
      .filter(([service]) => service !== except)
      .map(([service, pid]) => ({ service, exits: this.eventsSince(mark, 'service.exited', service).length, alive: isAlive(pid) }));
  }

  /** The current pid of each service, from its latest service.running record, in start order (services become healthy in any order). */
  pids(): Record<string, number> {
    const pids: Record<string, number> = {};
    for (const line of this.events('service.running')) pids[line.service as string] = line.pid as number;
    const order = (this.events('supervisor.up')[0]?.services as string[] | undefined) ?? Object.keys(pids);
    return Object.fromEntries(order.filter((service) => service in pids).map((service) => [service, pids[service]!]));
  }

  /** Waits for a new service.running of `service` after `count` earlier ones; returns its pid. */
  async healthyAgain(service: string, count: number, timeoutMs = 15_000): Promise<number> {
    const line = await waitFor(`${service} healthy again`, () => this.events('service.running', service)[count], { timeoutMs });
    return line.pid as number;
  }
}
