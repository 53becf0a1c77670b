import type net from 'node:net';
import { closeAtEnd } from './open-sockets.js';

/**
 * Reads `socket` as UTF-8 lines ending in `separator`, handing each whole line to `onLine` (a
 * partial one waits for the rest of it). Errors end in a close, so only the close is reported.
 */
export function readLines(socket: net.Socket, separator: string, onLine: (line: string) => void, onClose: () => void): void {
  closeAtEnd(socket);
  socket.setEncoding('utf8');
  let buffer = '';
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split(separator);
    buffer = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  socket.on('error', () => undefined);
  socket.on('close', onClose);
}
