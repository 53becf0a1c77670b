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
  | { ok: true; topic: string; payloadJson: string }
  | { ok: false; reason: DropReason };

/** Validates one PUSHed frame. Never throws: every failure is a drop reason the broker counts. */
export function decodeEnvelope(frame: Uint8Array, maxBytes: number = DEFAULT_MAX_EVENT_BYTES): DecodedEnvelope {
  if (frame.byteLength > maxBytes) return { ok: false, reason: 'too_large' };
  if (!isUtf8(frame)) return { ok: false, reason: 'bad_utf8' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('utf8'));
  } catch {
    return { ok: false, reason: 'bad_json' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'bad_json' };
  const { topic, payload } = parsed as { topic?: unknown; payload?: unknown };
  if (typeof topic !== 'string' || topic.length === 0) return { ok: false, reason: 'no_topic' };
  return { ok: true, topic, payloadJson: JSON.stringify(payload ?? null) };
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
