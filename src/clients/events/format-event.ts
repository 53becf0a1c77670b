import type { ReceivedEvent } from '../../events/envelope.js';
import { sanitizeForTerminal } from '../terminal-text.js';

function clock(date: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** One readable line: local time, topic, type, then the other fields as key=value. */
export function formatEvent(event: ReceivedEvent, receivedAt: Date = new Date()): string {
  const { payload } = event;
  const parts = [clock(receivedAt), event.topic];
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
    const { type, ts: _ts, ...rest } = payload as Record<string, unknown>;
    parts.push(typeof type === 'string' ? type : '-');
    for (const [key, value] of Object.entries(rest)) parts.push(`${key}=${formatValue(value)}`);
  } else {
    parts.push('-', formatValue(payload));
  }
  return sanitizeForTerminal(parts.join(' '));
}
