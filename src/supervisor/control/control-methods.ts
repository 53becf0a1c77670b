import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging/logger.js';
import {
  ALL_SERVICES,
  CONTROL_FAULTS,
  CONTROL_METHODS,
  CONTROL_PROTOCOL_VERSION,
  type ControlAnswers,
  type ControlMethod,
  MAX_FOLLOW_WAIT_MS,
  MAX_LOG_LINES,
  type ServiceStatus,
  type StackStatus,
} from '../../protocol/control-api.js';
import type { MethodCall } from '../../protocol/xml-rpc/codec.js';
import { XmlRpcFault } from '../../protocol/xml-rpc/fault.js';
import type { XmlRpcHandler } from '../../protocol/xml-rpc/http-server.js';
import { type LogRing, TooManyFollowers } from './log-ring.js';

/** What the control endpoint needs from the supervisor: a snapshot, and the verbs. */
export interface ControlTarget {
  /** In start order. */
  readonly serviceNames: readonly string[];
  status(): StackStatus;
  /** Each resolves once every named service got where it was sent (or failed to). */
  start(services: readonly string[]): Promise<void>;
  stop(services: readonly string[]): Promise<void>;
  restart(services: readonly string[]): Promise<void>;
  /** Begins stopping everything; does not wait. */
  shutdown(reason: string): void;
}

export interface ControlContext {
  target: ControlTarget;
  log: LogRing;
  version: string;
  logger: Logger;
}

type Handlers = { [M in ControlMethod]: (params: Params) => ControlAnswers[M] | Promise<ControlAnswers[M]> };

/**
 * The control endpoint's methods (docs/control.md) over a ControlTarget. Verbs that change what
 * runs are taken one at a time, in the order they arrive: two `restart hub` at once restart it
 * twice, one after the other, never interleaved.
 */
export function controlHandler(context: ControlContext): XmlRpcHandler {
  const { target, log } = context;
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(run: () => Promise<T>): Promise<T> => {
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };
  const verb = (params: Params, act: (services: readonly string[]) => Promise<void>): Promise<ServiceStatus[]> => {
    const services = params.services(0);
    if (target.status().stopping) throw fault('shutting_down', 'the stack is shutting down');
    return serially(async () => {
      await act(services);
      return target.status().services.filter((service) => services.includes(service.name));
    });
  };
  const handlers: Handlers = {
    status: () => target.status(),
    start: (p) => verb(p, (services) => target.start(services)),
    stop: (p) => verb(p, (services) => target.stop(services)),
    restart: (p) => verb(p, (services) => target.restart(services)),
    shutdown: () => {
      target.shutdown('shutdown requested over the control socket');
      return { stopping: true, pid: process.pid };
    },
    log_tail: (p) => log.tail(p.integer(0, 'lines', 0, MAX_LOG_LINES), p.logSource(1)),
    log_follow: (p) =>
      log.follow(
        p.integer(0, 'cursor', 0, Number.MAX_SAFE_INTEGER),
        MAX_LOG_LINES,
        p.integer(2, 'wait_ms', 0, MAX_FOLLOW_WAIT_MS, 0),
        p.logSource(1),
      ),
    version: () => ({ version: context.version, node: process.version, protocol: CONTROL_PROTOCOL_VERSION }),
    'system.listMethods': () => Object.keys(CONTROL_METHODS).sort(),
    'system.methodHelp': (p) => {
      const name = p.methodName(0);
      return `${CONTROL_METHODS[name].signature}: ${CONTROL_METHODS[name].help}`;
    },
  };
  return {
    call: ({ method, params }: MethodCall) => {
      if (!Object.hasOwn(CONTROL_METHODS, method))
        throw fault('method_not_found', `there is no method ${method}; system.listMethods lists them`);
      return handlers[method as ControlMethod](new Params(method, params, target.serviceNames));
    },
    toFault: (error, method) => {
      if (error instanceof XmlRpcFault) return error;
      if (error instanceof TooManyFollowers) return fault('too_many_followers', error.message);
      const ref = randomUUID().slice(0, 8);
      context.logger.error({ err: error, ref, method: method.slice(0, 100) }, `control: internal error (reference ${ref})`);
      return fault('internal_error', `internal error (reference ${ref}); the supervisor's log has the details`);
    },
  };
}

function fault(name: keyof typeof CONTROL_FAULTS, message: string): XmlRpcFault {
  return new XmlRpcFault(CONTROL_FAULTS[name], message);
}

/** Reads a call's parameters by position; a wrong one is an invalid_params fault naming it. */
class Params {
  constructor(
    private readonly method: string,
    private readonly values: unknown[],
    private readonly serviceNames: readonly string[],
  ) {
    const { params, signature } = CONTROL_METHODS[method as ControlMethod];
    const [min, max] = params;
    if (values.length < min || values.length > max) {
      throw fault(
        'invalid_params',
        `${method} takes ${min === max ? min : `${min} to ${max}`} parameter(s), got ${values.length}: ${signature}`,
      );
    }
  }

  private fail(index: number, rule: string): never {
    throw fault(
      'invalid_params',
      `${this.method}: parameter ${index + 1} ${rule}; got ${JSON.stringify(this.values[index])?.slice(0, 60)}`,
    );
  }

  integer(index: number, label: string, min: number, max: number, absent?: number): number {
    const value = this.values[index];
    if (value === undefined && absent !== undefined) return absent;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(index, `(${label}) must be a whole number from ${min} to ${max}`);
    }
    return value;
  }

  /** Whose log lines: a service, or the supervisor; every one when absent, "" or "all". */
  logSource(index: number): string | undefined {
    const value = this.values[index];
    if (value === undefined || value === '' || value === ALL_SERVICES) return undefined;
    const sources = [...this.serviceNames, 'supervisor'];
    if (typeof value !== 'string' || !sources.includes(value)) {
      throw fault(
        'no_such_service',
        `there is no log of ${JSON.stringify(value)?.slice(0, 60)}; choose ${[...sources, ALL_SERVICES].join(', ')}`,
      );
    }
    return value;
  }

  /** A service name, or "all": the services it means, in start order. */
  services(index: number): string[] {
    const value = this.values[index];
    if (value === ALL_SERVICES) return [...this.serviceNames];
    if (typeof value !== 'string' || !this.serviceNames.includes(value)) {
      throw fault(
        'no_such_service',
        `there is no service named ${JSON.stringify(value)?.slice(0, 60)}; choose ${[...this.serviceNames, ALL_SERVICES].join(', ')}`,
      );
    }
    return [value];
  }

  methodName(index: number): ControlMethod {
    const value = this.values[index];
    if (typeof value !== 'string' || !Object.hasOwn(CONTROL_METHODS, value)) {
      throw fault('method_not_found', `there is no method ${JSON.stringify(value)?.slice(0, 60)}; system.listMethods lists them`);
    }
    return value as ControlMethod;
  }
}
