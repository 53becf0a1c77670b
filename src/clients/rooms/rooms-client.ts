import xmlrpc from 'xmlrpc';
import {
  type Admission,
  type CreatedRoom,
  type CreateOptions,
  isAnswerTo,
  type JoinProof,
  type MemberChange,
  type RoomInfo,
  type RoomSummary,
  type RoomsAnswer,
  type RoomsMethod,
  type RoomsParams,
} from '../../protocol/rooms-api.js';

export type { Admission, CreatedRoom, CreateOptions, RoomInfo, RoomSummary } from '../../protocol/rooms-api.js';

/** A fault from the room service; its message is the service's sentence, `code` one of ROOMS_FAULTS. */
export class RoomsFault extends Error {
  override name = 'RoomsFault';
  readonly userFacing = true;
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class RoomsUnreachableError extends Error {
  override name = 'RoomsUnreachableError';
  readonly userFacing = true;
}

/** A typed client for the room service (docs/rooms-rpc.md), over the xmlrpc package's client. */
export class RoomsClient {
  private readonly where: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: { host: string; port: number; timeoutMs?: number }) {
    this.where = `${options.host}:${options.port}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  call<M extends RoomsMethod>(method: M, params: RoomsParams[M]): Promise<RoomsAnswer<M>> {
    // The xmlrpc package hands its options to http.request, whose `signal` ends the request: a call
    // that times out must not leave its socket open (an unanswered request would hold it forever).
    const abort = new AbortController();
    const transport = { host: this.options.host, port: this.options.port, path: '/RPC2', signal: abort.signal };
    const client = xmlrpc.createClient(transport);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        abort.abort();
        reject(new RoomsUnreachableError(`the room service at ${this.where} did not answer ${method} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      client.methodCall(method, params, (failure: object | null, value: unknown) => {
        clearTimeout(timer);
        if (abort.signal.aborted) return;
        const error = failure as (Error & { code?: string | number; faultCode?: number; faultString?: string }) | null;
        if (!error && isAnswerTo(method, value)) return resolve(value);
        if (!error) {
          return reject(
            new RoomsUnreachableError(
              `the room service at ${this.where} answered ${method} with something else than docs/rooms-rpc.md describes; is that port a ThisCord room service of this version?`,
            ),
          );
        }
        if (typeof error.faultCode === 'number') return reject(new RoomsFault(error.faultCode, error.faultString ?? error.message));
        if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' || error.code === 'EHOSTUNREACH') {
          return reject(
            new RoomsUnreachableError(
              `cannot reach the room service at ${this.where}; start the stack with "npm run up", or pass --host / --rooms-port`,
            ),
          );
        }
        reject(new RoomsUnreachableError(`the room service at ${this.where} failed: ${error.message}`));
      });
    });
  }

  ping(): Promise<'pong'> {
    return this.call('system.ping', []);
  }

  listRooms(): Promise<RoomSummary[]> {
    return this.call('list_rooms', []);
  }

  createRoom(name: string, user: string, options: CreateOptions = {}): Promise<CreatedRoom> {
    return this.call('create_room', [name, user, definedMembers(options)]);
  }

  joinRoom(name: string, user: string, proof: JoinProof = {}): Promise<Admission> {
    // Empty members are left out: an empty passphrase or ticket proves nothing.
    const struct = definedMembers({ passphrase: proof.passphrase || undefined, ticket: proof.ticket || undefined });
    return this.call('join_room', Object.keys(struct).length ? [name, user, struct] : [name, user]);
  }

  roomInfo(name: string, ticket?: string): Promise<RoomInfo> {
    return this.call('room_info', ticket ? [name, ticket] : [name]);
  }

  leaveRoom(name: string, ticket: string): Promise<MemberChange> {
    return this.call('leave_room', [name, ticket]);
  }

  deleteRoom(name: string, ownerKey: string): Promise<RoomsAnswer<'delete_room'>> {
    return this.call('delete_room', [name, ownerKey]);
  }

  kick(name: string, ownerKey: string, user: string): Promise<MemberChange> {
    return this.call('kick', [name, ownerKey, user]);
  }
}

/** XML-RPC has no "absent" value: a member left undefined is left out of the struct. */
function definedMembers<T extends object>(struct: T): T {
  return Object.fromEntries(Object.entries(struct).filter(([, value]) => value !== undefined)) as T;
}
