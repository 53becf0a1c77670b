import {
  arrayOf,
  type Fields,
  type Infer,
  isCount,
  isString,
  nullable,
  object,
  oneOf,
  optional,
  type Tagged,
  taggedUnion,
} from './guards.js';

/**
 * The chat hub's wire protocol: newline-delimited JSON over TCP, UTF-8, one object per line, each
 * with a `type`. Defined once here for the hub, the chat client, the benchmarks and the tests;
 * documented frame by frame in docs/protocol.md.
 */

/** An id a client puts on a frame so that the answer can be matched to it. */
export type FrameId = string | number;

export type ClientFrame =
  | { type: 'hello'; ticket: string }
  | { type: 'join'; ticket: string }
  | { type: 'say'; room: string; text: string; id?: FrameId }
  | { type: 'leave'; room: string }
  | { type: 'who'; room: string }
  | { type: 'ping'; id?: FrameId }
  | { type: 'pong'; id?: FrameId }
  | { type: 'quit' };

/** By convention (docs/protocol.md) a `say` whose text starts with this is an action: `/me waves`. */
export const ME_ACTION = '/me ';

export const ERROR_CODES = [
  'bad_json',
  'unknown_type',
  'bad_field',
  'not_in_room',
  'bad_ticket',
  'ticket_expired',
  'frame_too_large',
  'text_too_long',
  'rate_limited',
  'too_many_connections',
  'server_shutdown',
  'server_restart',
  'slow_consumer',
  'room_closed',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const MAX_ID_LENGTH = 64;

function isFrameId(value: unknown): value is FrameId {
  return (typeof value === 'string' && value.length <= MAX_ID_LENGTH) || (typeof value === 'number' && Number.isFinite(value));
}

const isHistoryEntry = object({ from: isString, text: isString, seq: isCount, ts: isString });
export type HistoryEntry = Infer<typeof isHistoryEntry>;

/** The hub's frames, as guards: `HubFrame` is inferred from them and `parseHubFrame` checks them. */
const HUB_FRAME_FIELDS = {
  welcome: { user: isString, rooms: arrayOf(isString), server: isString },
  ack: { id: nullable(isFrameId), room: isString, seq: isCount, ts: isString },
  message: { room: isString, from: isString, text: isString, seq: isCount, ts: isString },
  presence: { room: isString, user: isString, event: oneOf(['join', 'leave', 'kicked']) },
  presence_summary: { room: isString, joined: isCount, left: isCount, members: isCount },
  history: { room: isString, messages: arrayOf(isHistoryEntry) },
  who: { room: isString, users: arrayOf(isString) },
  ping: { id: isFrameId },
  pong: { id: optional(isFrameId) },
  error: { code: oneOf(ERROR_CODES), message: isString, ref: optional(isFrameId) },
  bye: { reason: isString },
} as const satisfies Record<string, Fields>;

const hubFrames = taggedUnion(HUB_FRAME_FIELDS);
export type HubFrame = Tagged<typeof HUB_FRAME_FIELDS>;
export const HUB_FRAME_TYPES = hubFrames.types;

export function encodeFrame(frame: ClientFrame | HubFrame): string {
  return `${JSON.stringify(frame)}\n`;
}

type ParsedFrame<F> = { ok: true; frame: F } | { ok: false; code: ErrorCode; message: string; ref?: FrameId };

function field(message: string, ref?: FrameId): ParsedFrame<never> {
  return ref === undefined ? { ok: false, code: 'bad_field', message } : { ok: false, code: 'bad_field', message, ref };
}

/**
 * Parses and validates one client line (without its newline). Checks shape only; limits that
 * depend on configuration (text length, rates) are the hub's.
 */
export function parseClientFrame(line: string): ParsedFrame<ClientFrame> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, code: 'bad_json', message: 'a frame must be one JSON object on one line' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, code: 'bad_json', message: 'a frame must be a JSON object' };
  const frame = value as Record<string, unknown>;
  const ref = isFrameId(frame.id) ? frame.id : undefined;
  if (frame.id !== undefined && ref === undefined) return field(`"id" must be a string of at most ${MAX_ID_LENGTH} characters or a number`);
  const text = (key: string): string | undefined =>
    typeof frame[key] === 'string' && (frame[key] as string).length > 0 ? (frame[key] as string) : undefined;
  switch (frame.type) {
    case 'hello':
    case 'join': {
      const ticket = text('ticket');
      return ticket
        ? { ok: true, frame: { type: frame.type, ticket } }
        : field(`${frame.type} needs "ticket": the ticket from the room service`, ref);
    }
    case 'say': {
      const room = text('room');
      if (!room) return field('say needs "room"', ref);
      if (typeof frame.text !== 'string') return field('say needs "text" (a string)', ref);
      return {
        ok: true,
        frame: ref === undefined ? { type: 'say', room, text: frame.text } : { type: 'say', room, text: frame.text, id: ref },
      };
    }
    case 'leave':
    case 'who': {
      const room = text('room');
      return room ? { ok: true, frame: { type: frame.type, room } } : field(`${frame.type} needs "room"`, ref);
    }
    case 'ping':
    case 'pong':
      return { ok: true, frame: ref === undefined ? { type: frame.type } : { type: frame.type, id: ref } };
    case 'quit':
      return { ok: true, frame: { type: 'quit' } };
    default:
      return {
        ok: false,
        code: 'unknown_type',
        message: `unknown frame type ${JSON.stringify(frame.type)}; expected hello, join, say, leave, who, ping, pong or quit`,
        ...(ref === undefined ? {} : { ref }),
      };
  }
}

/** The client's side: a hub line, accepted only if it is one of the hub's frames with every field as documented. */
export function parseHubFrame(line: string): HubFrame | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return hubFrames.check(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
