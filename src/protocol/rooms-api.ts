import { XML_RPC_FAULTS } from './xml-rpc/fault.js';

/**
 * The shapes the room service answers with (docs/rooms-rpc.md), defined once for the service that
 * builds them and the clients that read them.
 */

/** What join_room (and create_room) hands a user: enough to connect to the hub. */
export interface Admission {
  room: string;
  user: string;
  ticket: string;
  /** When the ticket expires, ISO 8601. */
  expires_at: string;
  hub: { host: string; port: number };
  /** In the order they joined. */
  members: string[];
}

export interface CreatedRoom extends Admission {
  owner_key: string;
  topic: string;
  private: boolean;
  unlisted: boolean;
  room_expires_at?: string;
}

export interface RoomSummary {
  name: string;
  topic: string;
  members: number;
  private: boolean;
  expires_at?: string;
}

export interface RoomInfo {
  name: string;
  topic: string;
  owner: string;
  private: boolean;
  unlisted: boolean;
  members: number;
  created_at: string;
  expires_at?: string;
  member_names?: string[];
}

export interface MemberChange {
  room: string;
  user: string;
  members: number;
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
} as const;

export type RoomsFaultName = keyof typeof ROOMS_FAULTS;
