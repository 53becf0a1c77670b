import { randomUUID } from 'node:crypto';
import type { Logger } from '../../src/logging/logger.js';
import { XmlRpcFault } from '../../src/protocol/xml-rpc/fault.js';
import { MAX_TICKET_LENGTH } from '../../src/tickets/ticket.js';
import { RpcFault } from './faults.js';
import { ParamReader } from './params.js';
import type { RoomOps } from './room-ops.js';

export interface CallContext {
  clientAddress: string;
  logger: Logger;
}

interface MethodSpec {
  signature: string;
  help: string;
  minParams: number;
  maxParams: number;
  run(params: ParamReader, context: CallContext): unknown;
}

const MAX_PASSPHRASE = 256;
const MAX_TOPIC = 200;
const MAX_TTL_SECONDS = 366 * 24 * 3600;
const MAX_MULTICALL = 100;

/** The XML-RPC method table: one entry per method, documented in docs/rooms-rpc.md. */
export function roomMethods(ops: RoomOps): Map<string, MethodSpec> {
  const methods = new Map<string, MethodSpec>();
  const add = (name: string, spec: MethodSpec): void => void methods.set(name, spec);

  add('create_room', {
    signature: 'create_room(name, user[, options])',
    help: 'Creates a room owned by user, who becomes its first member. options: passphrase (makes it private), ttl_seconds (deleted when it expires), topic, unlisted. Returns the admission (ticket, hub) plus owner_key.',
    minParams: 2,
    maxParams: 3,
    run: (p) => {
      const options = p.has(2) ? p.struct(2, 'options') : {};
      return ops.createRoom(p.name(0, 'name'), p.name(1, 'user'), {
        passphrase: p.member(2, 'options', options, 'passphrase', 'string', MAX_PASSPHRASE),
        ttlSeconds: p.member(2, 'options', options, 'ttl_seconds', 'int', MAX_TTL_SECONDS),
        topic: p.member(2, 'options', options, 'topic', 'string', MAX_TOPIC),
        unlisted: p.member(2, 'options', options, 'unlisted', 'boolean', 0),
      });
    },
  });
  add('join_room', {
    signature: 'join_room(name, user[, passphrase | {passphrase, ticket}])',
    help: 'Admits user to a room: returns {room, user, ticket, expires_at, hub: {host, port}, members}. A name already in the room rejoins only with a ticket it was given (even an expired one).',
    minParams: 2,
    maxParams: 3,
    run: (p, context) => {
      let proof = {};
      if (p.has(2)) {
        if (p.isString(2)) {
          proof = { passphrase: p.string(2, 'passphrase', MAX_PASSPHRASE) };
        } else {
          const struct = p.struct(2, 'passphrase or {passphrase, ticket}');
          proof = {
            passphrase: p.member(2, 'proof', struct, 'passphrase', 'string', MAX_PASSPHRASE),
            ticket: p.member(2, 'proof', struct, 'ticket', 'string', MAX_TICKET_LENGTH),
          };
        }
      }
      return ops.joinRoom(p.name(0, 'name'), p.name(1, 'user'), proof, context.clientAddress);
    },
  });
  add('list_rooms', {
    signature: 'list_rooms()',
    help: 'Lists the listed rooms: name, topic, members (a count), private, and expires_at for temporary rooms.',
    minParams: 0,
    maxParams: 0,
    run: () => ops.listRooms(),
  });
  add('room_info', {
    signature: 'room_info(name[, ticket])',
    help: 'Describes one room. Member names of a private room are shown only with a valid ticket for it.',
    minParams: 1,
    maxParams: 2,
    run: (p) => ops.roomInfo(p.name(0, 'name'), p.has(1) ? p.string(1, 'ticket', MAX_TICKET_LENGTH) : undefined),
  });
  add('leave_room', {
    signature: 'leave_room(name, ticket)',
    help: 'Removes the ticket holder from the room; the name becomes free.',
    minParams: 2,
    maxParams: 2,
    run: (p) => ops.leaveRoom(p.name(0, 'name'), p.string(1, 'ticket', MAX_TICKET_LENGTH)),
  });
  add('delete_room', {
    signature: 'delete_room(name, owner_key)',
    help: 'Deletes the room; everyone in it is removed from the hub.',
    minParams: 2,
    maxParams: 2,
    run: (p) => ops.deleteRoom(p.name(0, 'name'), p.string(1, 'owner_key', MAX_TICKET_LENGTH)),
  });
  add('kick', {
    signature: 'kick(name, owner_key, user)',
    help: "Removes user from the room for good: the user's tickets for it stop working, here and at the hub.",
    minParams: 3,
    maxParams: 3,
    run: (p) => ops.kick(p.name(0, 'name'), p.string(1, 'owner_key', MAX_TICKET_LENGTH), p.name(2, 'user')),
  });
  add('system.ping', {
    signature: 'system.ping()',
    help: 'Health check: returns "pong".',
    minParams: 0,
    maxParams: 0,
    run: () => 'pong',
  });
  add('system.listMethods', {
    signature: 'system.listMethods()',
    help: 'Lists every method.',
    minParams: 0,
    maxParams: 0,
    run: () => [...methods.keys()].sort(),
  });
  add('system.methodHelp', {
    signature: 'system.methodHelp(method)',
    help: "Describes a method's parameters and result.",
    minParams: 1,
    maxParams: 1,
    run: (p) => {
      const name = p.string(0, 'method', 100);
      const spec = methods.get(name);
      if (!spec) throw new RpcFault('method_not_found', `there is no method ${name}; system.listMethods lists them`);
      return `${spec.signature}: ${spec.help}`;
    },
  });
  add('system.multicall', {
    signature: 'system.multicall([{methodName, params}, ...])',
    help: 'Runs several calls in order; each result is [value] or a fault struct {faultCode, faultString}.',
    minParams: 1,
    maxParams: 1,
    run: async (p, context) => {
      const calls = p.array(0, 'calls');
      if (calls.length > MAX_MULTICALL) throw new RpcFault('invalid_params', `system.multicall: at most ${MAX_MULTICALL} calls at once`);
      const results: unknown[] = [];
      for (const call of calls) {
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
  });
  return methods;
}

/** Calls a method by name with its parameters checked for count; the method checks their types. */
export async function invoke(methods: Map<string, MethodSpec>, name: string, params: unknown[], context: CallContext): Promise<unknown> {
  const spec = methods.get(name);
  if (!spec) throw new RpcFault('method_not_found', `there is no method ${name}; system.listMethods lists them`);
  if (params.length < spec.minParams || params.length > spec.maxParams) {
    const expected = spec.minParams === spec.maxParams ? `${spec.minParams}` : `${spec.minParams} to ${spec.maxParams}`;
    throw new RpcFault('invalid_params', `${name} takes ${expected} parameter(s), got ${params.length}: ${spec.signature}`);
  }
  return spec.run(new ParamReader(name, params), context);
}

/**
 * Faults pass through. Anything else is a bug: it is logged with a reference id and answered with
 * -32603 carrying only that id, so no internals leak to the client.
 */
export function asFault(error: unknown, logger: Logger, method: unknown): XmlRpcFault {
  if (error instanceof XmlRpcFault) return error;
  const ref = randomUUID().slice(0, 8);
  logger.error(
    { err: error, ref, method: typeof method === 'string' ? method.slice(0, 100) : undefined },
    `internal error (reference ${ref})`,
  );
  return new RpcFault('internal_error', `internal error (reference ${ref}); the room service log has the details`);
}
