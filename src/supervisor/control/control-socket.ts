import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../../logging/logger.js';
import { CONTROL_SOCKET_NAME } from '../../protocol/control-api.js';
import { createXmlRpcServer, type XmlRpcHandler } from '../../protocol/xml-rpc/http-server.js';

/** Linux keeps a socket path in 108 bytes, the terminating NUL included. */
const MAX_SOCKET_PATH = 107;

export function controlSocketPath(dataDir: string): string {
  return path.join(dataDir, CONTROL_SOCKET_NAME);
}

/** Another supervisor answers on this data dir's control socket. */
export class StackAlreadyRunning extends Error {
  override name = 'StackAlreadyRunning';
  readonly userFacing = true;
}

export interface ControlSocket {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Listens for control calls on `<data dir>/control.sock`, mode 0600: only the user who runs the
 * stack (and root) can connect. The socket is created under a umask that already leaves group and
 * others out, so there is no moment in which it is open to them. A socket file left by a
 * supervisor that died is taken over; one that a live supervisor answers on is refused.
 */
export async function openControlSocket(dataDir: string, handler: XmlRpcHandler, logger: Logger): Promise<ControlSocket> {
  const socketPath = controlSocketPath(dataDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new Error(`the control socket path ${socketPath} is over ${MAX_SOCKET_PATH} bytes; pass a shorter --data-dir`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (await answers(socketPath)) {
    throw new StackAlreadyRunning(`a stack is already running on ${dataDir} (its control socket answers); see "thiscord status"`);
  }
  removeStale(socketPath);
  // Control calls are small; log_follow waits, but its request arrives at once.
  const server = createXmlRpcServer(handler, { maxBodyBytes: 64 * 1024, requestTimeoutMs: 10_000 }, logger);
  await listenPrivately(server, socketPath);
  const { ino } = lstatSync(socketPath);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        // Only our own socket: a later supervisor may already have taken the name over.
        try {
          if (lstatSync(socketPath).ino === ino) unlinkSync(socketPath);
        } catch {
          // already gone
        }
      }),
  };
}

function listenPrivately(server: http.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const umask = process.umask(0o177);
    server.once('error', reject);
    try {
      server.listen(socketPath, () => {
        server.off('error', reject);
        // The umask made it 0600 already; this keeps it so whatever the platform does with it.
        chmodSync(socketPath, 0o600);
        resolve();
      });
    } finally {
      process.umask(umask);
    }
  });
}

/** Whether something accepts connections on the socket. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function removeStale(socketPath: string): void {
  try {
    if (lstatSync(socketPath).isSocket()) unlinkSync(socketPath);
    else throw new Error(`${socketPath} exists and is not a socket; move it away`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
