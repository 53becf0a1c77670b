import type { ClientFrame, HubFrame } from '../../protocol/frames.js';

/**
 * One connection to the hub, whatever carries it: TCP with newline-delimited JSON for the
 * terminal client (tcp-transport.ts), a WebSocket with one frame per message for the browser
 * (services/web/client). The hub client's reconnect and resend logic is written once, above this.
 */
export interface HubTransport {
  send(frame: ClientFrame): void;
  /** Sends `frame` (if any) as the last thing, then closes. */
  end(frame?: ClientFrame): void;
  /** Closes at once; `onClose` follows. */
  destroy(): void;
}

export interface HubTransportHandlers {
  onOpen(): void;
  onFrame(frame: HubFrame): void;
  /** Called once, whether the connection failed, broke or was closed. */
  onClose(): void;
}

/** Opens a new connection each time it is called (the client calls it again to reconnect). */
export type ConnectHub = (handlers: HubTransportHandlers) => HubTransport;
