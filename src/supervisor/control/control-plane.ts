import type http from 'node:http';
import type { CommonConfig } from '../../config/options.js';
import type { Logger } from '../../logging/logger.js';
import type { LogSink } from '../log-sink.js';
import type { Supervisor } from '../supervisor.js';
import { controlHandler } from './control-methods.js';
import { type ControlSocket, openControlSocket } from './control-socket.js';
import { LogRing } from './log-ring.js';
import { StackControl } from './stack-control.js';

/** How often each service is asked for its figures. */
const SAMPLE_INTERVAL_MS = 1000;

export interface ControlPlaneOptions {
  config: CommonConfig;
  version: string;
  restartWindowMs: number;
  /** Serve /metrics and /healthz on this port (of the stack's host); off when absent. */
  metricsPort?: number | undefined;
  logger: Logger;
  /** What a `shutdown` call does: the same as SIGTERM. */
  shutdown(reason: string): void;
}

/**
 * Everything `thiscord up` serves besides the services: the control socket (docs/control.md), the
 * in-memory log ring it reads from, the services' live figures and, when asked for, the metrics
 * endpoint. Opened before the first service starts, so a second `up` on the same data dir is
 * refused from the first moment; closed last.
 */
export class ControlPlane {
  private constructor(
    readonly control: StackControl,
    private readonly ring: LogRing,
    private readonly socket: ControlSocket,
    private readonly metrics: http.Server | undefined,
  ) {}

  static async open(supervisor: Supervisor, sink: LogSink, options: ControlPlaneOptions): Promise<ControlPlane> {
    const ring = new LogRing();
    sink.tap((service, json) => ring.push(service, json));
    const control = new StackControl(supervisor, {
      version: options.version,
      dataDir: options.config.dataDir,
      restartWindowMs: options.restartWindowMs,
      shutdown: options.shutdown,
    });
    const handler = controlHandler({ target: control, log: ring, version: options.version, logger: options.logger });
    const socket = await openControlSocket(options.config.dataDir, handler, options.logger);
    let metrics: http.Server | undefined;
    try {
      if (options.metricsPort !== undefined) {
        // prom-client is loaded only for a stack that serves metrics.
        const { serveMetrics } = await import('./metrics.js');
        metrics = await serveMetrics(options.config.host, options.metricsPort, () => control.status());
      }
    } catch (error) {
      await socket.close();
      throw error;
    }
    return new ControlPlane(control, ring, socket, metrics);
  }

  /** Every service is up: start sampling their figures. */
  running(): void {
    this.control.sampler.start(SAMPLE_INTERVAL_MS);
  }

  async close(): Promise<void> {
    this.control.sampler.stop();
    this.ring.releaseFollowers();
    if (this.metrics) {
      this.metrics.closeAllConnections();
      await new Promise((resolve) => this.metrics?.close(resolve));
    }
    await this.socket.close();
  }
}
