import net from 'node:net';
import { encodeFrame, parseHubFrame } from '../../protocol/frames.js';
import { LineSplitter } from '../../protocol/line-splitter.js';
import type { ConnectHub } from './hub-transport.js';

/** Largest hub line accepted: a history frame of many long messages can be megabytes. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Where the hub listens: TCP, or its local socket (for gateways on the hub's machine, docs/protocol.md). */
export type HubAddress = { host: string; port: number } | { path: string };

/** The hub over TCP or its local socket: newline-delimited JSON, as docs/protocol.md describes. */
export function socketHub(address: HubAddress, maxFrameBytes = MAX_FRAME_BYTES): ConnectHub {
  return (handlers) => {
    const socket = net.connect(address);
    socket.setNoDelay(true);
    const splitter = new LineSplitter(maxFrameBytes);
    socket.on('connect', () => handlers.onOpen());
    socket.on('data', (chunk: Buffer) => {
      const fits = splitter.push(chunk, (line) => {
        const frame = parseHubFrame(line.toString('utf8'));
        if (frame) handlers.onFrame(frame);
      });
      if (!fits) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => handlers.onClose());
    return {
      send: (frame) => void socket.write(encodeFrame(frame)),
      end: (frame) => {
        if (frame) socket.end(encodeFrame(frame));
        socket.destroy();
      },
      destroy: () => void socket.destroy(),
    };
  };
}
