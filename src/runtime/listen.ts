import type net from 'node:net';
import { inheritedFd } from './inherited-sockets.js';

/**
 * Listens on a TCP port or a Unix socket; resolves once bound, rejects with the bind error. A TCP
 * address the supervisor already holds (inherited-sockets.ts) is listened on through the socket it
 * passed down, so the port is never unbound while this service restarts.
 */
export function listenOn(server: net.Server, options: net.ListenOptions): Promise<void> {
  const fd = options.host !== undefined && options.port !== undefined ? inheritedFd({ host: options.host, port: options.port }) : undefined;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(fd === undefined ? options : { fd, backlog: options.backlog }, () => {
      server.off('error', reject);
      // A socket that was never bound (its bind failed) would have listened on some random port instead.
      const address = server.address();
      if (fd !== undefined && (typeof address !== 'object' || address?.port !== options.port)) {
        server.close();
        reject(Object.assign(new Error(`the socket passed for port ${options.port} is not bound to it`), { code: 'EADDRINUSE' }));
      } else {
        resolve();
      }
    });
  });
}
