import type net from 'node:net';
import { afterAll } from 'vitest';

const open = new Set<net.Socket>();
afterAll(() => {
  for (const socket of open) socket.destroy();
});

/** Destroys `socket` when the test file ends, unless it closed before. */
export function closeAtEnd(socket: net.Socket): void {
  open.add(socket);
  socket.on('close', () => open.delete(socket));
}
