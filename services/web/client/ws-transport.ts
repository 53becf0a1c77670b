import type { ConnectHub } from '../../../src/clients/chat/hub-transport.js';
import { parseHubFrame } from '../../../src/protocol/frames.js';

/** The hub through the web service's WebSocket at `/hub` on the page's own origin: one JSON frame per message. */
export function webSocketHub(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/hub`): ConnectHub {
  return (handlers) => {
    const socket = new WebSocket(url);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      handlers.onClose();
    };
    socket.addEventListener('open', () => handlers.onOpen());
    socket.addEventListener('message', (event: MessageEvent) => {
      const frame = typeof event.data === 'string' ? parseHubFrame(event.data) : undefined;
      if (frame) handlers.onFrame(frame);
    });
    socket.addEventListener('close', close);
    socket.addEventListener('error', close);
    return {
      send: (frame) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
      },
      end: (frame) => {
        if (frame && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
        socket.close(1000);
      },
      destroy: () => socket.close(1000),
    };
  };
}
