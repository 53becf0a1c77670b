import type { LastExit } from '../../protocol/control-api.js';
import type { AnyTransitionDetail, ChildState } from '../child-state.js';

interface Record {
  /** When its current process became healthy (ms since the epoch), while it runs. */
  runningSince?: number;
  /** When each restart in the window began, oldest first. */
  restarts: number[];
  restartsTotal: number;
  lastExit?: LastExit;
  /** Set when it was found hung, until its exit: the exit then says so. */
  hungAfter?: number;
}

/** "killed by SIGKILL", "exited with code 1". */
function describeExit(code: number | null | undefined, signal: string | null | undefined): string {
  return signal ? `killed by ${signal}` : `exited with code ${code ?? '?'}`;
}

/**
 * What `thiscord status` says about each service beyond its state: since when it runs, its
 * restarts (in the restart window, as the FATAL limit counts them, and in total) and how and why
 * it last ended. Fed with every transition the supervisor makes.
 */
export class ServiceHistory {
  private readonly records = new Map<string, Record>();
  /** Set while a service is stopped on request, so its exit reads as that and not as a crash. */
  private readonly requested = new Map<string, string>();

  constructor(private readonly windowMs: number) {}

  /** The next stop of `service` is on request, e.g. "stopped by thiscord restart". */
  expectStop(service: string, why: string): void {
    this.requested.set(service, why);
  }

  transition(service: string, to: ChildState, detail: AnyTransitionDetail, now = Date.now()): void {
    const record = this.record(service);
    switch (to) {
      case 'running':
        record.runningSince = now;
        break;
      case 'exited': {
        record.runningSince = undefined;
        const hung = record.hungAfter === undefined ? '' : `answered no probe for ${record.hungAfter} probe intervals (hung); `;
        record.hungAfter = undefined;
        record.lastExit = exit(now, detail, `${hung}${describeExit(detail.code, detail.signal)}`);
        break;
      }
      case 'unhealthy':
        record.hungAfter = detail.failures ?? 0;
        break;
      case 'backoff':
        record.restarts = [...record.restarts.filter((at) => at > now - this.windowMs), now];
        record.restartsTotal++;
        break;
      case 'fatal':
        if (record.lastExit) record.lastExit = { ...record.lastExit, reason: `${record.lastExit.reason}; FATAL: ${detail.reason}` };
        break;
      case 'stopped': {
        record.runningSince = undefined;
        const why = this.requested.get(service);
        this.requested.delete(service);
        // Without a code or signal it had no process to stop (it was waiting to restart).
        if (detail.code != null || detail.signal != null)
          record.lastExit = exit(now, detail, why ?? `stopped (${describeExit(detail.code, detail.signal)})`);
        break;
      }
      case 'starting':
      case 'stopping':
        break;
    }
  }

  /** A service brought back by hand starts with no restarts in its window, as in supervisord. */
  forgetRestarts(service: string): void {
    this.record(service).restarts = [];
  }

  of(service: string, now = Date.now()): { runningSince?: number; restarts: number; restartsTotal: number; lastExit?: LastExit } {
    const record = this.record(service);
    return {
      ...(record.runningSince !== undefined && { runningSince: record.runningSince }),
      restarts: record.restarts.filter((at) => at > now - this.windowMs).length,
      restartsTotal: record.restartsTotal,
      ...(record.lastExit && { lastExit: record.lastExit }),
    };
  }

  private record(service: string): Record {
    let record = this.records.get(service);
    if (!record) this.records.set(service, (record = { restarts: [], restartsTotal: 0 }));
    return record;
  }
}

function exit(now: number, detail: AnyTransitionDetail, reason: string): LastExit {
  return {
    at: new Date(now).toISOString(),
    ...(typeof detail.code === 'number' && { code: detail.code }),
    ...(typeof detail.signal === 'string' && { signal: detail.signal }),
    reason,
  };
}
