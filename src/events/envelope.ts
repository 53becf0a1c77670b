import { isUtf8 } from 'node:buffer';
import type { DropReason } from './types.js';

/**
 * The seed's wire format. A publisher PUSHes one UTF-8 JSON frame `{"topic": ..., "payload": ...}`;
 * the broker PUBlishes two frames, `[topic, JSON of payload]`, so SUB prefix filters match the topic.
 */
export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;

export function encodeEnvelope(topic: string, payload: unknown): string {
  return JSON.stringify({ topic, payload });
}

export type DecodedEnvelope =
  | { ok: true; topic: string; topicFrame: Uint8Array | string; payloadFrame: Uint8Array | string }
  | { ok: false; reason: DropReason };

/**
 * Validates one PUSHed frame. Never throws: every failure is a drop reason the broker counts.
 * The frames to publish are views into the received frame when the envelope has the canonical
 * shape `{"topic":"…","payload":…}` (what every publisher here and the seed's produce), which
 * saves re-encoding on the broker's hot path; any other valid shape is re-serialised.
 */
export function decodeEnvelope(frame: Uint8Array, maxBytes: number = DEFAULT_MAX_EVENT_BYTES): DecodedEnvelope {
  if (frame.byteLength > maxBytes) return { ok: false, reason: 'too_large' };
  if (!isUtf8(frame)) return { ok: false, reason: 'bad_utf8' };
  const bytes = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'bad_json' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'bad_json' };
  const { topic, payload } = parsed as { topic?: unknown; payload?: unknown };
  if (typeof topic !== 'string' || topic.length === 0) return { ok: false, reason: 'no_topic' };
  const views = Object.keys(parsed).length === 2 ? canonicalViews(bytes) : undefined;
  if (views) return { ok: true, topic, topicFrame: views.topic, payloadFrame: views.payload };
  return { ok: true, topic, topicFrame: topic, payloadFrame: JSON.stringify(payload ?? null) };
}

const OPEN = Buffer.from('{"topic":"');
const PAYLOAD_KEY = Buffer.from(',"payload":');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;

/**
 * For a frame already known to be a valid JSON object with exactly the keys topic and payload,
 * finds the topic's and the payload's bytes when it is laid out `{"topic":"<no escapes>",
 * "payload":<value>}`. A duplicate key would put a second `"payload":` after the first (inside a
 * JSON string a quote is always escaped, so the pattern cannot hide there); any other layout
 * returns undefined and is re-serialised instead.
 */
function canonicalViews(bytes: Buffer): { topic: Buffer; payload: Buffer } | undefined {
  if (bytes.compare(OPEN, 0, OPEN.length, 0, OPEN.length) !== 0) return undefined;
  const topicEnd = bytes.indexOf(QUOTE, OPEN.length);
  if (topicEnd < 0) return undefined;
  const backslash = bytes.indexOf(BACKSLASH, OPEN.length);
  if (backslash >= 0 && backslash < topicEnd) return undefined;
  const valueStart = topicEnd + 1 + PAYLOAD_KEY.length;
  if (valueStart >= bytes.length) return undefined;
  if (bytes.compare(PAYLOAD_KEY, 0, PAYLOAD_KEY.length, topicEnd + 1, valueStart) !== 0) return undefined;
  if (bytes.indexOf(PAYLOAD_KEY.subarray(1), valueStart) >= 0) return undefined;
  let end = bytes.length - 1;
  while (end > valueStart && isSpace(bytes[end]!)) end--;
  if (bytes[end] !== CLOSE_BRACE) return undefined;
  let valueEnd = end;
  while (valueEnd > valueStart && isSpace(bytes[valueEnd - 1]!)) valueEnd--;
  return { topic: bytes.subarray(OPEN.length, topicEnd), payload: bytes.subarray(valueStart, valueEnd) };
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** A subscriber's view of one PUBlished message. */
export interface ReceivedEvent {
  topic: string;
  payload: unknown;
}

export function decodePublished(topicFrame: Uint8Array, payloadFrame: Uint8Array | undefined): ReceivedEvent {
  const topic = Buffer.from(topicFrame).toString('utf8');
  const text = payloadFrame ? Buffer.from(payloadFrame).toString('utf8') : 'null';
  try {
    return { topic, payload: JSON.parse(text) };
  } catch {
    return { topic, payload: text };
  }
}
