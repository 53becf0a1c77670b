import { prepareLocalSocket } from './local-socket.js';
import { describeListenError } from './startup-error.js';

/** A server that takes clients on a TCP port and, beside it, probes and gateways on a local socket. */
export interface PortAndSocketServer {
  listen(host: string, port: number): Promise<void>;
  listenLocal(socketPath: string): Promise<void>;
  stop(): Promise<void>;
}

interface Where {
  /** What listens, as the errors name it: "hub", "IRC gateway". */
  service: string;
  host: string;
  port: number;
  /** The flag that moves the port, named in the error when the port is taken. */
  flag: string;
  socketPath: string;
}

/**
 * Opens the TCP port, then the local socket. A bind error becomes one that names the fix; if the
 * local socket cannot be had, the server is stopped again, so that a failed start holds no port.
 */
export async function listenOnPortAndSocket(server: PortAndSocketServer, where: Where): Promise<void> {
  try {
    await server.listen(where.host, where.port);
  } catch (error) {
    throw describeListenError(error, where);
  }
  try {
    await prepareLocalSocket(where.socketPath, where.service);
    await server.listenLocal(where.socketPath);
  } catch (error) {
    await server.stop();
    throw error;
  }
}
