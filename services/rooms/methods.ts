import { randomUUID } from 'node:crypto';
import type { Logger } from '../../src/logging/logger.js';
import { MAX_OWNER_KEY_LENGTH, ROOMS_METHODS, type RoomsAnswer, type RoomsMethod, type RoomsParams } from '../../src/protocol/rooms-api.js';
import { XmlRpcFault } from '../../src/protocol/xml-rpc/fault.js';
import { StorageFullError } from '../../src/storage/storage-full.js';
import { MAX_TICKET_LENGTH } from '../../src/tickets/ticket.js';
import { RpcFault } from './faults.js';
import { ParamReader } from './params.js';
import type { RoomOps } from './room-ops.js';

interface CallContext {
  clientAddress: string;
  logger: Logger;
}

/** One method: how its parameters are read from the wire and what it does with them. */
interface MethodSpec<M extends RoomsMethod> {
  signature: string;
  help: string;
  minParams: number;
  maxParams: number;
  /** Checks each parameter's type and limits; a wrong one is an invalid_params fault naming it. */
  params(p: ParamReader): RoomsParams[M];
  run(params: RoomsParams[M], context: CallContext): RoomsAnswer<M> | Promise<RoomsAnswer<M>>;
}

/** Every method of src/protocol/rooms-api.ts, and no other: a missing or extra one does not compile. */
type MethodTable = { [M in RoomsMethod]: MethodSpec<M> };

/** A method ready to call with raw parameters. */
interface RoomMethod {
  signature: string;
  help: string;
  minParams: number;
  maxParams: number;
  call(p: ParamReader, context: CallContext): unknown;
}

const MAX_PASSPHRASE = 256;
const MAX_TOPIC = 200;
const MAX_TTL_SECONDS = 366 * 24 * 3600;
const MAX_MULTICALL = 100;

/** The XML-RPC method table: one entry per method, documented in docs/rooms-rpc.md. */
export function roomMethods(ops: RoomOps): ReadonlyMap<string, RoomMethod> {
  const table: MethodTable = {
    create_room: {
      signature: 'create_room(name, user[, options])',
      help: 'Creates a room owned by user, who becomes its first member. options: passphrase (makes it private), ttl_seconds (deleted when it expires), topic, unlisted. Returns the admission (ticket, hub) plus owner_key.',
      minParams: 2,
      maxParams: 3,
      params: (p) => {
        if (!p.has(2)) return [p.name(0, 'name'), p.name(1, 'user')];
        const options = p.struct(2, 'options');
        return [
          p.name(0, 'name'),
          p.name(1, 'user'),
          {
            passphrase: p.member(2, 'options', options, 'passphrase', 'string', MAX_PASSPHRASE),
            ttl_seconds: p.member(2, 'options', options, 'ttl_seconds', 'int', MAX_TTL_SECONDS),
            topic: p.member(2, 'options', options, 'topic', 'string', MAX_TOPIC),
            unlisted: p.member(2, 'options', options, 'unlisted', 'boolean', 0),
          },
        ];
      },
      run: ([name, user, options], context) => ops.createRoom(name, user, options ?? {}, context.clientAddress),
    },
    join_room: {
      signature: 'join_room(name, user[, passphrase | {passphrase, ticket}])',
      help: 'Admits user to a room: returns {room, user, ticket, expires_at, hub: {host, port}, members}. A name already in the room rejoins only with a ticket it was given (even an expired one).',
      minParams: 2,
      maxParams: 3,
      params: (p) => {
        if (!p.has(2)) return [p.name(0, 'name'), p.name(1, 'user')];
        if (p.isString(2)) return [p.name(0, 'name'), p.name(1, 'user'), p.string(2, 'passphrase', MAX_PASSPHRASE)];
        const struct = p.struct(2, 'passphrase or {passphrase, ticket}');
        return [
          p.name(0, 'name'),
          p.name(1, 'user'),
          {
            passphrase: p.member(2, 'proof', struct, 'passphrase', 'string', MAX_PASSPHRASE),
            ticket: p.member(2, 'proof', struct, 'ticket', 'string', MAX_TICKET_LENGTH),
          },
        ];
      },
      run: ([name, user, proof], context) =>
        ops.joinRoom(name, user, typeof proof === 'string' ? { passphrase: proof } : (proof ?? {}), context.clientAddress),
    },
    list_rooms: {
      signature: 'list_rooms()',
      help: 'Lists the listed rooms: name, topic, members (a count), private, and expires_at for temporary rooms.',
      minParams: 0,
      maxParams: 0,
      params: () => [],
      run: () => ops.listRooms(),
    },
    room_info: {
      signature: 'room_info(name[, ticket])',
      help: 'Describes one room. Member names of a private room are shown only with a valid ticket for it.',
      minParams: 1,
      maxParams: 2,
      params: (p) => (p.has(1) ? [p.name(0, 'name'), p.string(1, 'ticket', MAX_TICKET_LENGTH)] : [p.name(0, 'name')]),
      run: ([name, ticket]) => ops.roomInfo(name, ticket),
    },
    leave_room: {
      signature: 'leave_room(name, ticket)',
      help: 'Removes the ticket holder from the room; the name becomes free.',
      minParams: 2,
      maxParams: 2,
      params: (p) => [p.name(0, 'name'), p.string(1, 'ticket', MAX_TICKET_LENGTH)],
      run: ([name, ticket]) => ops.leaveRoom(name, ticket),
    },
    delete_room: {
      signature: 'delete_room(name, owner_key)',
      help: 'Deletes the room; everyone in it is removed from the hub.',
      minParams: 2,
      maxParams: 2,
      params: (p) => [p.name(0, 'name'), p.string(1, 'owner_key', MAX_OWNER_KEY_LENGTH)],
      run: ([name, ownerKey]) => ops.deleteRoom(name, ownerKey),
    },
    kick: {
      signature: 'kick(name, owner_key, user)',
      help: "Removes user from the room for good: the user's tickets for it stop working, here and at the hub.",
      minParams: 3,
      maxParams: 3,
      params: (p) => [p.name(0, 'name'), p.string(1, 'owner_key', MAX_OWNER_KEY_LENGTH), p.name(2, 'user')],
      run: ([name, ownerKey, user]) => ops.kick(name, ownerKey, user),
    },
    hub_sync: {
      signature: 'hub_sync(proof)',
      help: "For the stack's hubs: every open room instance and the kicks that still void tickets. proof is <ms>.<HMAC with the event key>.",
      minParams: 1,
      maxParams: 1,
      params: (p) => [p.string(0, 'proof', 128)],
      run: ([proof]) => ops.hubSync(proof),
    },
    'system.ping': {
      signature: 'system.ping()',
      help: 'Health check: returns "pong".',
      minParams: 0,
      maxParams: 0,
      params: () => [],
      run: () => 'pong',
    },
    'system.listMethods': {
      signature: 'system.listMethods()',
      help: 'Lists every method.',
      minParams: 0,
      maxParams: 0,
      params: () => [],
      run: () => [...methods.keys()].sort(),
    },
    'system.methodHelp': {
      signature: 'system.methodHelp(method)',
      help: "Describes a method's parameters and result.",
      minParams: 1,
      maxParams: 1,
      params: (p) => [p.string(0, 'method', 100)],
      run: ([name]) => {
        const spec = methods.get(name);
        if (!spec) throw new RpcFault('method_not_found', `there is no method ${name}; system.listMethods lists them`);
        return `${spec.signature}: ${spec.help}`;
      },
    },
    'system.multicall': {
      signature: 'system.multicall([{methodName, params}, ...])',
      help: 'Runs several calls in order; each result is [value] or a fault struct {faultCode, faultString}.',
      minParams: 1,
      maxParams: 1,
      params: (p) => {
        const calls = p.array(0, 'calls');
        if (calls.length > MAX_MULTICALL) throw new RpcFault('invalid_params', `system.multicall: at most ${MAX_MULTICALL} calls at once`);
        // Each call's shape is checked as it runs, so that one bad call is one fault in the answer.
        return [calls as RoomsParams['system.multicall'][0]];
      },
      run: async ([calls], context) => {
        const results: RoomsAnswer<'system.multicall'> = [];
        for (const call of calls as unknown[]) {
          const { methodName, params } = (call ?? {}) as { methodName?: unknown; params?: unknown };
          try {
            if (typeof methodName !== 'string' || !Array.isArray(params)) {
              throw new RpcFault('invalid_request', 'system.multicall: each call must be a struct {methodName, params}');
            }
            if (methodName === 'system.multicall') throw new RpcFault('invalid_request', 'system.multicall cannot be nested');
            results.push([await invoke(methods, methodName, params, context)]);
          } catch (error) {
            const fault = asFault(error, context.logger, methodName);
            results.push({ faultCode: fault.code, faultString: fault.message });
          }
        }
        return results;
      },
    },
  };
  const methods = new Map<string, RoomMethod>(ROOMS_METHODS.map((name) => [name, ready(table, name)]));
  return methods;
}

function ready<M extends RoomsMethod>(table: MethodTable, name: M): RoomMethod {
  const spec: MethodSpec<M> = table[name];
  return { ...spec, call: (p, context) => spec.run(spec.params(p), context) };
}

/** Calls a method by name with its parameters checked for count; the method checks their types. */
export async function invoke(
  methods: ReadonlyMap<string, RoomMethod>,
  name: string,
  params: unknown[],
  context: CallContext,
): Promise<unknown> {
  const spec = methods.get(name);
  if (!spec) throw new RpcFault('method_not_found', `there is no method ${name}; system.listMethods lists them`);
  if (params.length < spec.minParams || params.length > spec.maxParams) {
    const expected = spec.minParams === spec.maxParams ? `${spec.minParams}` : `${spec.minParams} to ${spec.maxParams}`;
    throw new RpcFault('invalid_params', `${name} takes ${expected} parameter(s), got ${params.length}: ${spec.signature}`);
  }
  return spec.call(new ParamReader(name, params), context);
}

/**
 * Faults pass through. Anything else is a bug: it is logged with a reference id and answered with
 * -32603 carrying only that id, so no internals leak to the client.
 */
export function asFault(error: unknown, logger: Logger, method: unknown): XmlRpcFault {
  if (error instanceof XmlRpcFault) return error;
  if (error instanceof StorageFullError) return new RpcFault('storage_full', error.message);
  const ref = randomUUID().slice(0, 8);
  logger.error(
    { err: error, ref, method: typeof method === 'string' ? method.slice(0, 100) : undefined },
    `internal error (reference ${ref})`,
  );
  return new RpcFault('internal_error', `internal error (reference ${ref}); the room service log has the details`);
}
