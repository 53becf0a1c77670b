/**
 * Every fault the room service answers with, in one table (docs/rooms-rpc.md shows the same).
 * Negative codes are the XML-RPC interoperability conventions; positive ones are ours.
 */
export const FAULTS = {
  parse_error: -32700,
  invalid_request: -32600,
  method_not_found: -32601,
  invalid_params: -32602,
  internal_error: -32603,
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

export type FaultName = keyof typeof FAULTS;

/** A fault the client is meant to read: `faultString` is one plain sentence. */
export class RpcFault extends Error {
  override name = 'RpcFault';
  readonly code: number;
  constructor(readonly fault: FaultName, message: string) {
    super(message);
    this.code = FAULTS[fault];
  }
}
