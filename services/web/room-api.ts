import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CreateOptions, type RoomsClient, RoomsFault, RoomsUnreachableError } from '../../src/clients/rooms/rooms-client.js';
import type { Logger } from '../../src/logging/logger.js';
import { isValidName } from '../../src/protocol/names.js';
import { ROOMS_FAULTS, type RoomsFaultName } from '../../src/protocol/rooms-api.js';
import { readJsonBody } from './json-body.js';

/**
 * The browser's way to the room service: a few JSON endpoints, each one XML-RPC call
 * (docs/web.md lists them). Tickets and owner keys travel in request bodies, never in a URL or a
 * cookie; the service keeps none of them.
 */

type Body = Record<string, unknown>;
type Action = (rooms: RoomsClient, room: string, body: Body) => Promise<unknown>;

/** What a bad field says. Values are checked for type here; their rules are the room service's. */
class BadRequest extends Error {}

const text = (body: Body, key: string, required = false): string | undefined => {
  const value = body[key];
  if (value === undefined || value === null || value === '') {
    if (required) throw new BadRequest(`"${key}" is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new BadRequest(`"${key}" must be a string`);
  return value;
};

const ROOM_ACTIONS: Record<string, Action> = {
  join: (rooms, room, body) =>
    rooms.joinRoom(room, text(body, 'user', true)!, { passphrase: text(body, 'passphrase'), ticket: text(body, 'ticket') }),
  info: (rooms, room, body) => rooms.roomInfo(room, text(body, 'ticket')),
  leave: (rooms, room, body) => rooms.leaveRoom(room, text(body, 'ticket', true)!),
  kick: (rooms, room, body) => rooms.kick(room, text(body, 'owner_key', true)!, text(body, 'user', true)!),
  delete: (rooms, room, body) => rooms.deleteRoom(room, text(body, 'owner_key', true)!),
};

function createOptions(body: Body): CreateOptions {
  const options: CreateOptions = {};
  const passphrase = text(body, 'passphrase');
  if (passphrase !== undefined) options.passphrase = passphrase;
  const topic = text(body, 'topic');
  if (topic !== undefined) options.topic = topic;
  if (body.ttl_seconds !== undefined && body.ttl_seconds !== null) {
    if (typeof body.ttl_seconds !== 'number' || !Number.isSafeInteger(body.ttl_seconds))
      throw new BadRequest('"ttl_seconds" must be a whole number');
    options.ttl_seconds = body.ttl_seconds;
  }
  if (body.unlisted !== undefined) {
    if (typeof body.unlisted !== 'boolean') throw new BadRequest('"unlisted" must be true or false');
    options.unlisted = body.unlisted;
  }
  return options;
}

/** HTTP status for each room-service fault; anything else is a 400. */
const FAULT_STATUS: Partial<Record<RoomsFaultName, number>> = {
  no_such_room: 404,
  room_exists: 409,
  name_taken: 409,
  wrong_passphrase: 403,
  not_owner: 403,
  bad_ticket: 403,
  kicked: 403,
  room_expired: 410,
  too_many_attempts: 429,
  internal_error: 502,
};
const FAULT_NAMES = new Map<number, RoomsFaultName>(Object.entries(ROOMS_FAULTS).map(([name, code]) => [code, name as RoomsFaultName]));

export interface RoomApiSettings {
  maxBodyBytes: number;
  /** Calls to the room service in flight at once; more are answered 503 at once. */
  maxInFlight: number;
}

export function roomApi(rooms: RoomsClient, settings: RoomApiSettings, logger: Logger) {
  let inFlight = 0;

  async function call(response: ServerResponse, what: string, work: () => Promise<unknown>): Promise<void> {
    if (inFlight >= settings.maxInFlight) return json(response, 503, error('busy', 'too many requests at once; try again in a moment'));
    inFlight++;
    try {
      json(response, 200, await work());
    } catch (failure) {
      if (failure instanceof BadRequest) return json(response, 400, error('bad_request', failure.message));
      if (failure instanceof RoomsFault) {
        const name = FAULT_NAMES.get(failure.code) ?? 'internal_error';
        return json(response, FAULT_STATUS[name] ?? 400, error(name, failure.message));
      }
      if (failure instanceof RoomsUnreachableError) {
        logger.warn({ call: what }, 'room service unreachable');
        return json(response, 503, error('rooms_unreachable', 'the room service is not reachable right now; try again shortly'));
      }
      logger.error({ err: failure, call: what }, 'room API call failed');
      json(response, 500, error('internal_error', 'something went wrong on the server'));
    } finally {
      inFlight--;
    }
  }

  /** Answers `/api/...` requests; false when the path is not the API's. */
  return async function handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
    if (path === '/api/rooms') {
      if (request.method === 'GET') {
        await call(response, 'list_rooms', () => rooms.listRooms().then((list) => ({ rooms: list })));
        return true;
      }
      if (request.method !== 'POST') return methodNotAllowed(response, 'GET, POST');
      const body = await readJsonBody(request, settings.maxBodyBytes);
      if (!body.ok) return refuse(response, body.status, body.message);
      await call(response, 'create_room', () => {
        const name = text(body.value, 'name', true)!;
        return rooms.createRoom(name, text(body.value, 'user', true)!, createOptions(body.value)).then(withoutHub);
      });
      return true;
    }
    const match = /^\/api\/rooms\/([^/]+)\/([a-z]+)$/.exec(path);
    if (!match) return false;
    const action = Object.hasOwn(ROOM_ACTIONS, match[2]!) ? ROOM_ACTIONS[match[2]!] : undefined;
    // Room names are plain ASCII (no escapes to decode), so the path segment is the name.
    const room = match[1]!;
    if (!action || !isValidName(room)) return false;
    if (request.method !== 'POST') return methodNotAllowed(response, 'POST');
    const body = await readJsonBody(request, settings.maxBodyBytes);
    if (!body.ok) return refuse(response, body.status, body.message);
    await call(response, match[2]!, () => action(rooms, room, body.value).then(withoutHub));
    return true;
  };
}

/** The browser reaches the hub through this service's own `/hub`, never by the hub's address. */
function withoutHub(answer: unknown): unknown {
  if (typeof answer !== 'object' || answer === null || !('hub' in answer)) return answer;
  const { hub: _hub, ...rest } = answer as Record<string, unknown>;
  return rest;
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

function refuse(response: ServerResponse, status: number, message: string): true {
  json(response, status, error('bad_request', message));
  return true;
}

function methodNotAllowed(response: ServerResponse, allow: string): true {
  response.setHeader('Allow', allow);
  json(response, 405, error('method_not_allowed', `use ${allow}`));
  return true;
}

export function json(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
