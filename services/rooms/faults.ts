import { ROOMS_FAULTS, type RoomsFaultName } from '../../src/protocol/rooms-api.js';
import { XmlRpcFault } from '../../src/protocol/xml-rpc/fault.js';

/** A room service fault, named as in docs/rooms-rpc.md. */
export class RpcFault extends XmlRpcFault {
  override name = 'RpcFault';
  constructor(
    readonly fault: RoomsFaultName,
    message: string,
  ) {
    super(ROOMS_FAULTS[fault], message);
  }
}
