import { isInstanceId } from '../tickets/room-instance.js';
import {
  arrayOf,
  either,
  type Fields,
  type Infer,
  isAnything,
  isBoolean,
  isCount,
  isInteger,
  isString,
  object,
  oneOf,
  optional,
} from './guards.js';
import { XML_RPC_FAULTS } from './xml-rpc/fault.js';

/**
 * The room service's XML-RPC API (docs/rooms-rpc.md), defined once: every method's parameters and
 * answer. The service's method table must implement exactly these methods with these types, and
 * the client can call only these, with these parameters, and checks every answer against its guard.
 */

/** Longest owner key accepted (the service issues 32 characters). */
export const MAX_OWNER_KEY_LENGTH = 256;

const ADMISSION_FIELDS = {
  room: isString,
  user: isString,
  ticket: isString,
  /** When the ticket expires, ISO 8601. */
  expires_at: isString,
  hub: object({ host: isString, port: isCount }),
  /** In the order they joined. */
  members: arrayOf(isString),
} as const satisfies Fields;

const isAdmission = object(ADMISSION_FIELDS);
/** What join_room (and create_room) hands a user: a ticket, and where to use it. */
export type Admission = Infer<typeof isAdmission>;

const isCreatedRoom = object({
  ...ADMISSION_FIELDS,
  owner_key: isString,
  topic: isString,
  private: isBoolean,
  unlisted: isBoolean,
  room_expires_at: optional(isString),
});
export type CreatedRoom = Infer<typeof isCreatedRoom>;

const isRoomSummary = object({ name: isString, topic: isString, members: isCount, private: isBoolean, expires_at: optional(isString) });
export type RoomSummary = Infer<typeof isRoomSummary>;

const isRoomInfo = object({
  name: isString,
  topic: isString,
  owner: isString,
  private: isBoolean,
  unlisted: isBoolean,
  members: isCount,
  created_at: isString,
  expires_at: optional(isString),
  member_names: optional(arrayOf(isString)),
});
export type RoomInfo = Infer<typeof isRoomInfo>;

const isMemberChange = object({ room: isString, user: isString, members: isCount });
export type MemberChange = Infer<typeof isMemberChange>;

const isDeletedRoom = object({ room: isString, deleted: oneOf([true]) });

/** create_room's options struct; every member is optional. */
export interface CreateOptions {
  /** Makes the room private; the service keeps only an scrypt hash. */
  passphrase?: string | undefined;
  ttl_seconds?: number | undefined;
  topic?: string | undefined;
  unlisted?: boolean | undefined;
}

/** join_room's proof struct: the passphrase of a private room, or a ticket the name was given. */
export interface JoinProof {
  passphrase?: string | undefined;
  ticket?: string | undefined;
}

const isFault = object({ faultCode: isInteger, faultString: isString });

/** hub_sync's answer: every open room instance as of `at`, with the kicks that still void tickets. */
const isRoomsSnapshot = object({
  at: isCount,
  rooms: arrayOf(object({ name: isString, instance: isInstanceId, revoked: arrayOf(object({ user: isString, before: isCount })) })),
});
export type RoomsSnapshot = Infer<typeof isRoomsSnapshot>;

/** Parameters of each method, in order; a `?` one may be left off the end. */
export interface RoomsParams {
  create_room: [name: string, user: string, options?: CreateOptions];
  join_room: [name: string, user: string, proof?: string | JoinProof];
  list_rooms: [];
  room_info: [name: string, ticket?: string];
  leave_room: [name: string, ticket: string];
  delete_room: [name: string, owner_key: string];
  kick: [name: string, owner_key: string, user: string];
  hub_sync: [proof: string];
  'system.ping': [];
  'system.listMethods': [];
  'system.methodHelp': [method: string];
  'system.multicall': [calls: { methodName: string; params: unknown[] }[]];
}

/** The guard of each method's answer: the answer's type is inferred from it. */
const ROOMS_ANSWERS = {
  create_room: isCreatedRoom,
  join_room: isAdmission,
  list_rooms: arrayOf(isRoomSummary),
  room_info: isRoomInfo,
  leave_room: isMemberChange,
  delete_room: isDeletedRoom,
  kick: isMemberChange,
  hub_sync: isRoomsSnapshot,
  'system.ping': oneOf(['pong']),
  'system.listMethods': arrayOf(isString),
  'system.methodHelp': isString,
  'system.multicall': arrayOf(either(arrayOf(isAnything), isFault)),
} as const satisfies { [M in keyof RoomsParams]: (value: unknown) => boolean };

export type RoomsMethod = keyof RoomsParams;
export const ROOMS_METHODS = Object.keys(ROOMS_ANSWERS) as RoomsMethod[];
export type RoomsAnswer<M extends RoomsMethod> = Infer<(typeof ROOMS_ANSWERS)[M]>;

/** Whether `value` is a well-formed answer to `method`. */
export function isAnswerTo<M extends RoomsMethod>(method: M, value: unknown): value is RoomsAnswer<M> {
  return ROOMS_ANSWERS[method](value);
}

/**
 * Every fault code the room service answers with (docs/rooms-rpc.md has the same table). Negative
 * codes are the XML-RPC interoperability conventions; positive ones are the service's own.
 */
export const ROOMS_FAULTS = {
  ...XML_RPC_FAULTS,
  room_exists: 100,
  no_such_room: 101,
  wrong_passphrase: 102,
  not_owner: 103,
  name_taken: 104,
  room_expired: 105,
  too_many_attempts: 106,
  bad_ticket: 107,
  kicked: 108,
  storage_full: 109,
  too_many_rooms: 110,
} as const;

export type RoomsFaultName = keyof typeof ROOMS_FAULTS;
