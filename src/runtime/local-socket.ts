import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StartupError } from './startup-error.js';

/** Linux's sun_path holds 108 bytes with its terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Makes `socketPath` ready to listen on: its directory exists with mode 0700 (only the stack's
 * owner may connect), and a socket file left by a `service` that died is removed — but only once
 * nothing answers on it, so a second one on the same data dir is refused instead of stealing the socket.
 */
export async function prepareLocalSocket(socketPath: string, service: string): Promise<void> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new StartupError(
      `the ${service}'s local socket path ${socketPath} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, which Unix sockets cannot have; pass a shorter --data-dir`,
    );
  }
  const dir = path.dirname(socketPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  if (await answers(socketPath)) {
    throw new StartupError(`another ${service} is already serving ${socketPath}; stop it, or give this one another --data-dir`);
  }
  try {
    unlinkSync(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ path: socketPath });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
