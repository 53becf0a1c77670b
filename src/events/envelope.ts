import { isUtf8 } from 'node:buffer';
import { scanString, scanValue, skipSpace } from './json-scan.js';
import type { DropReason } from './types.js';

/**
 * The seed's wire format. A publisher PUSHes one UTF-8 JSON frame `{"topic": ..., "payload": ...}`;
 * the broker PUBlishes two frames, `[topic, JSON of payload]`, so SUB prefix filters match the topic.
 */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024;

export function encodeEnvelope(topic: string, payload: unknown): string {
  return JSON.stringify({ topic, payload });
}

type DecodedEnvelope =
  | { ok: true; topic: string; topicFrame: Uint8Array | string; payloadFrame: Uint8Array | string }
  | { ok: false; reason: DropReason };

const TOPIC_KEY = Buffer.from('"topic"');
const PAYLOAD_KEY = Buffer.from('"payload"');
const NULL_PAYLOAD = Buffer.from('null');
/** Reused between calls (the scan is synchronous): set when a scanned string holds an escape. */
const escapes = { escaped: false };

/** Whether `bytes` holds `expected` at `at`; a short loop beats a native call for a few bytes. */
function holds(bytes: Buffer, at: number, expected: Buffer): boolean {
  for (let k = 0; k < expected.length; k++) if (bytes[at + k] !== expected[k]) return false;
  return true;
}

/**
 * Validates one PUSHed frame. Never throws: every failure is a drop reason the broker counts.
 *
 * This is the broker's hot path, so the frame is validated by scanning its bytes (json-scan.ts),
 * and the frames to publish are views into it: no strings, no objects, no re-encoding. Rare
 * layouts the scan cannot settle on its own (an escape inside a key or the topic) go through
 * JSON.parse instead, with the same result.
 */
export function decodeEnvelope(frame: Uint8Array, maxBytes: number = DEFAULT_MAX_EVENT_BYTES): DecodedEnvelope {
  if (frame.byteLength > maxBytes) return { ok: false, reason: 'too_large' };
  if (!isUtf8(frame)) return { ok: false, reason: 'bad_utf8' };
  const bytes = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  escapes.escaped = false;
  let i = skipSpace(bytes, 0);
  // Valid or not, anything but an object is not an envelope.
  if (bytes[i] !== 0x7b) return { ok: false, reason: 'bad_json' };
  // Walk the top-level members; as in JSON.parse, the last of a duplicated key wins.
  let topic: [number, number] | undefined;
  let topicIsString = false;
  let payload: [number, number] | undefined;
  let escapedKey = false;
  i = skipSpace(bytes, i + 1);
  if (bytes[i] !== 0x7d) {
    for (;;) {
      if (bytes[i] !== 0x22) return { ok: false, reason: 'bad_json' };
      const keyEnd = scanString(bytes, i, escapes);
      if (keyEnd < 0) return { ok: false, reason: 'bad_json' };
      const keyStart = i;
      i = skipSpace(bytes, keyEnd);
      if (bytes[i] !== 0x3a) return { ok: false, reason: 'bad_json' };
      const valueStart = skipSpace(bytes, i + 1);
      const valueEnd = scanValue(bytes, valueStart);
      if (valueEnd < 0) return { ok: false, reason: 'bad_json' };
      escapedKey ||= escapes.escaped;
      if (keyEnd - keyStart === TOPIC_KEY.length && holds(bytes, keyStart, TOPIC_KEY)) {
        topic = [valueStart, valueEnd];
        topicIsString = bytes[valueStart] === 0x22;
      } else if (keyEnd - keyStart === PAYLOAD_KEY.length && holds(bytes, keyStart, PAYLOAD_KEY)) {
        payload = [valueStart, valueEnd];
      }
      i = skipSpace(bytes, valueEnd);
      if (bytes[i] === 0x2c) i = skipSpace(bytes, i + 1);
      else if (bytes[i] === 0x7d) break;
      else return { ok: false, reason: 'bad_json' };
    }
  }
  if (skipSpace(bytes, i + 1) !== bytes.length) return { ok: false, reason: 'bad_json' };
  // Valid JSON, but a key spelt with escapes may be "topic" or "payload": JSON.parse decides.
  if (escapedKey) return parsedEnvelope(bytes);
  if (!topic || !topicIsString || topic[1] - topic[0] <= 2) return { ok: false, reason: 'no_topic' };
  scanString(bytes, topic[0], escapes);
  if (escapes.escaped) return parsedEnvelope(bytes);
  return {
    ok: true,
    topic: bytes.toString('utf8', topic[0] + 1, topic[1] - 1),
    topicFrame: bytes.subarray(topic[0] + 1, topic[1] - 1),
    payloadFrame: payload ? bytes.subarray(payload[0], payload[1]) : NULL_PAYLOAD,
  };
}

/** The general path, for frames the scan validated but whose keys or topic carry escapes. */
function parsedEnvelope(bytes: Buffer): DecodedEnvelope {
  let parsed: { topic?: unknown; payload?: unknown };
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as typeof parsed;
  } catch {
    return { ok: false, reason: 'bad_json' };
  }
  const { topic, payload } = parsed;
  if (typeof topic !== 'string' || topic.length === 0) return { ok: false, reason: 'no_topic' };
  return { ok: true, topic, topicFrame: topic, payloadFrame: JSON.stringify(payload ?? null) };
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
