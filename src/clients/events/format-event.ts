import type { ReceivedEvent } from '../../events/envelope.js';
import { clockTime, fieldValue } from '../../text/readable.js';
import { sanitizeForTerminal } from '../terminal-text.js';

/** One readable line: local time, topic, type, then the other fields as key=value. */
export function formatEvent(event: ReceivedEvent, receivedAt: Date = new Date()): string {
  const { payload } = event;
  const parts = [clockTime(receivedAt), event.topic];
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
    const { type, ts: _ts, ...rest } = payload as Record<string, unknown>;
    parts.push(typeof type === 'string' ? type : '-');
    for (const [key, value] of Object.entries(rest)) parts.push(`${key}=${fieldValue(value, key)}`);
  } else {
    parts.push('-', fieldValue(payload));
  }
  return sanitizeForTerminal(parts.join(' '));
}
