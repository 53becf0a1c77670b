import { ROOMS_FAULTS, type RoomsFaultName } from '../../src/protocol/rooms-api.js';

/** A fault the client is meant to read: `faultString` is one plain sentence. */
export class RpcFault extends Error {
  override name = 'RpcFault';
  readonly code: number;
  constructor(
    readonly fault: RoomsFaultName,
    message: string,
  ) {
    super(message);
    this.code = ROOMS_FAULTS[fault];
  }
}
