import net from 'node:net';
import type { WebSocket } from 'ws';
import { encodeFrame } from '../../src/protocol/frames.js';
import { LineSplitter } from '../../src/protocol/line-splitter.js';

export interface BridgeSettings {
  /** Where the hub listens: its local socket, under the supervisor and by default. */
  hub: { path: string } | { host: string; port: number };
  /** How long a closing hub connection gets to flush what the browser sent last. */
  graceMs: number;
}

/** Largest line accepted from the hub (history frames of long messages are large; the hub is ours). */
const MAX_HUB_LINE_BYTES = 16 * 1024 * 1024;
/** Output queued towards a browser before the bridge stops reading from the hub (see below). */
const HIGH_WATER_BYTES = 256 * 1024;
const LOW_WATER_BYTES = 64 * 1024;
const NEWLINE = Buffer.from('\n');
const BYE_PREFIX = Buffer.from('{"type":"bye"');

/** WebSocket close codes (RFC 6455 §7.4 and the IANA registry). */
export const CLOSE = { normal: 1000, goingAway: 1001, serviceRestart: 1012, tryAgainLater: 1013 } as const;

const RAW_NEWLINE_ERROR = encodeFrame({
  type: 'error',
  code: 'bad_json',
  message: 'a WebSocket message is one frame: JSON without a raw line break',
}).trimEnd();

/**
 * Joins one browser WebSocket to one hub TCP connection: each WebSocket message becomes one line
 * to the hub, each line from the hub one WebSocket message. Nothing else happens here — tickets,
 * limits, flood control, timeouts and every error are the hub's own, applied to this connection
 * exactly as to a terminal client's.
 *
 * Backpressure crosses the bridge: while a browser has more than HIGH_WATER_BYTES unsent, the
 * bridge stops reading from the hub, so the hub's own output limit (--max-output-bytes) sees a
 * slow browser as it sees a slow TCP client and drops it with `slow_consumer`.
 */
export function bridgeToHub(socket: WebSocket, settings: BridgeSettings, onClosed: () => void): void {
  const hub = net.connect(settings.hub);
  hub.setNoDelay(true);
  const splitter = new LineSplitter(MAX_HUB_LINE_BYTES);
  let unsent = 0;
  let sawBye = false;
  let connected = false;
  let finished = false;

  // Messages that arrive before the hub connection is up wait in the WebSocket's own buffer.
  socket.pause();

  const finish = (code: number, reason: string): void => {
    if (finished) return;
    finished = true;
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
    hub.end();
    setTimeout(() => hub.destroy(), settings.graceMs).unref();
    onClosed();
  };

  hub.on('connect', () => {
    connected = true;
    socket.resume();
  });
  // ws writes each message with its own syscall; corking its socket while one chunk from the hub is
  // relayed sends that chunk's frames in one write, as the hub itself batches them (ws keeps the
  // socket as `_socket`; without it, frames simply go out one by one).
  const raw = (socket as unknown as { _socket?: net.Socket })._socket;
  hub.on('data', (chunk: Buffer) => {
    raw?.cork();
    const fits = splitter.push(chunk, (line) => {
      if (line.length === 0) return;
      if (line.subarray(0, BYE_PREFIX.length).equals(BYE_PREFIX)) sawBye = true;
      unsent += line.length;
      socket.send(line, { binary: false }, () => {
        unsent -= line.length;
        if (unsent < LOW_WATER_BYTES && hub.isPaused()) hub.resume();
      });
    });
    raw?.uncork();
    if (!fits) return finish(CLOSE.serviceRestart, 'the hub sent a line too long to relay');
    if (unsent > HIGH_WATER_BYTES) hub.pause();
  });
  hub.on('error', () => undefined);
  hub.on('close', () => {
    if (!connected) return finish(CLOSE.tryAgainLater, 'the chat hub is not reachable; try again shortly');
    finish(sawBye ? CLOSE.normal : CLOSE.serviceRestart, sawBye ? 'closed by the hub' : 'the chat hub went away; reconnect');
  });

  socket.on('message', (data: Buffer) => {
    if (finished) return;
    // The hub splits on newlines; one WebSocket message must stay one frame.
    if (data.includes(0x0a)) return socket.send(RAW_NEWLINE_ERROR);
    hub.write(Buffer.concat([data, NEWLINE]));
    // A hub that does not read (stopped, say) holds the browser back instead of this process's memory.
    if (hub.writableLength > HIGH_WATER_BYTES) socket.pause();
  });
  hub.on('drain', () => socket.resume());
  socket.on('error', () => undefined);
  socket.on('close', () => finish(CLOSE.normal, 'closed'));
}
