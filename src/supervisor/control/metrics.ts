import http from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ServiceStatus, StackStatus } from '../../protocol/control-api.js';
import { describeListenError } from '../../runtime/startup-error.js';
import { CHILD_STATES } from '../child-state.js';

type Sample = [labels: Record<string, string>, value: number][];

/**
 * The Prometheus metrics of a running stack: one registry whose every figure is read from the
 * supervisor's status at scrape time (one snapshot per scrape), so nothing is counted twice or
 * goes stale between scrapes.
 */
export class StackMetrics {
  readonly registry = new Registry();
  private current: StackStatus | undefined;

  constructor(private readonly status: () => StackStatus) {
    collectDefaultMetrics({ register: this.registry, prefix: 'thiscord_supervisor_' });
    const services =
      (read: (service: ServiceStatus) => number) =>
      (s: StackStatus): Sample =>
        s.services.map((service) => [{ service: service.name }, read(service)]);
    const one =
      (read: (s: StackStatus) => number | undefined) =>
      (s: StackStatus): Sample => {
        const value = read(s);
        return value === undefined ? [] : [[{}, value]];
      };
    const states = (s: StackStatus): Sample =>
      s.services.flatMap((service) =>
        CHILD_STATES.map((state): Sample[number] => [{ service: service.name, state }, service.state === state ? 1 : 0]),
      );
    // name, type, help, labels, how to read it from a status snapshot (docs/control.md lists the same).
    const table: [string, 'gauge' | 'counter', string, string[], (s: StackStatus) => Sample][] = [
      [
        'thiscord_service_up',
        'gauge',
        '1 while the service is running (healthy), 0 otherwise',
        ['service'],
        services((v) => (v.state === 'running' ? 1 : 0)),
      ],
      [
        'thiscord_service_state',
        'gauge',
        'the state each service is in: 1 for its current state, 0 for the others',
        ['service', 'state'],
        states,
      ],
      [
        'thiscord_service_restarts_in_window',
        'gauge',
        'restarts within the restart window (the FATAL limit counts these)',
        ['service'],
        services((v) => v.restarts),
      ],
      [
        'thiscord_service_restarts_total',
        'counter',
        'restarts since the supervisor started',
        ['service'],
        services((v) => v.restarts_total),
      ],
      ['thiscord_hub_connections', 'gauge', 'open chat connections at the hub', [], one((s) => s.figures.hub?.connections)],
      ['thiscord_hub_rooms', 'gauge', 'rooms with members at the hub', [], one((s) => s.figures.hub?.rooms)],
      [
        'thiscord_hub_messages_per_second',
        'gauge',
        'chat messages relayed a second, over the last sample',
        [],
        one((s) => s.figures.hub?.messages_per_s),
      ],
      [
        'thiscord_hub_messages_total',
        'counter',
        'chat messages relayed by the current hub process',
        [],
        one((s) => s.figures.hub?.messages_total),
      ],
      ['thiscord_rooms_rooms', 'gauge', 'rooms the room service holds', [], one((s) => s.figures.rooms?.rooms)],
      [
        'thiscord_broker_events_per_second',
        'gauge',
        'events the broker forwarded a second, over the last sample',
        [],
        one((s) => s.figures.broker?.events_per_s),
      ],
      [
        'thiscord_broker_drops_per_second',
        'gauge',
        'events the broker dropped a second, over the last sample',
        [],
        one((s) => s.figures.broker?.drops_per_s),
      ],
      [
        'thiscord_broker_events_total',
        'counter',
        'events forwarded by the current broker process',
        [],
        one((s) => s.figures.broker?.events_total),
      ],
      [
        'thiscord_broker_dropped_total',
        'counter',
        'events dropped by the current broker process',
        [],
        one((s) => s.figures.broker?.dropped_total),
      ],
    ];
    for (const [name, type, help, labelNames, read] of table) this.register(name, type, help, labelNames, read);
  }

  /** The Prometheus text exposition of every metric. */
  async scrape(): Promise<string> {
    this.current = this.status();
    try {
      return await this.registry.metrics();
    } finally {
      this.current = undefined;
    }
  }

  private snapshot(): StackStatus {
    return this.current ?? this.status();
  }

  /**
   * Registers one metric whose value is read at scrape time. A counter's total is kept elsewhere
   * (by the supervisor or a service), so it is reported as it stands, never incremented here.
   */
  private register(name: string, type: 'gauge' | 'counter', help: string, labelNames: string[], read: (s: StackStatus) => Sample): void {
    const metrics = this;
    const collect = function (this: Gauge | Counter): void {
      this.reset();
      for (const [labels, value] of read(metrics.snapshot())) {
        if (this instanceof Gauge) this.set(labels, value);
        else this.inc(labels, value);
      }
    };
    const configuration = { name, help, labelNames, registers: [], collect };
    this.registry.registerMetric(type === 'gauge' ? new Gauge(configuration) : new Counter(configuration));
  }
}

/**
 * `--metrics-port`: GET /metrics (Prometheus text) and GET /healthz (200 "ok" while every service
 * runs, 503 naming the ones that do not). Read-only, on the stack's host (loopback by default).
 */
export async function serveMetrics(host: string, port: number, status: () => StackStatus): Promise<http.Server> {
  const metrics = new StackMetrics(status);
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(response, 405, 'text/plain', 'GET /metrics or /healthz\n');
    if (path === '/metrics') {
      metrics.scrape().then(
        (text) => reply(response, 200, metrics.registry.contentType, text),
        (error: Error) => reply(response, 500, 'text/plain', `${error.message}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      const down = status().services.filter((service) => service.state !== 'running');
      return down.length === 0
        ? reply(response, 200, 'text/plain', 'ok\n')
        : reply(response, 503, 'text/plain', `${down.map((service) => `${service.name} ${service.state}`).join(', ')}\n`);
    }
    reply(response, 404, 'text/plain', 'GET /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(describeListenError(error, { service: 'metrics', host, port, flag: 'metrics-port' })));
    server.listen(port, host, () => resolve());
  });
  return server;
}

function reply(response: http.ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
