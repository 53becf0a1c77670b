import type net from 'node:net';

/** Listens on a TCP port or a Unix socket; resolves once bound, rejects with the bind error. */
export function listenOn(server: net.Server, options: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
