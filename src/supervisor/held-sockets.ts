import { lookup } from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';
import { getSystemErrorName } from 'node:util';
import { INHERITED_SOCKETS_VARIABLE, inheritedSocketsValue } from '../runtime/inherited-sockets.js';
import { describeListenError, type ListenTarget } from '../runtime/startup-error.js';
import type { Inheritance } from './child-process.js';

/** A bound TCP socket handle of libuv's; its descriptor goes to a child on an extra stdio slot. */
interface TcpHandle {
  readonly fd: number;
  /** Fills in the bound address; returns a negative errno instead, such as the bind's own error, which libuv defers. */
  getsockname(out: { port?: number }): number;
  close(): void;
}

/**
 * Node's own bind-without-listen, which its cluster module uses to hold a port for its workers.
 * A socket that the supervisor only binds never accepts a connection here: the service's process
 * calls listen(2) on it, and after that process dies the socket stays listening for as long as the
 * supervisor keeps it, with new connections waiting in the backlog for the next process.
 * Returns the handle, or a negative errno.
 */
type CreateServerHandle = (address: string, port: number, addressType: 4 | 6, fd?: number, flags?: number) => TcpHandle | number;
const createServerHandle = (net as unknown as { _createServerHandle: CreateServerHandle })._createServerHandle;

interface Bindable {
  target: ListenTarget;
  /** The IP address to bind: the target's host, or what it resolved to. */
  address: string;
  family: 4 | 6;
}

/**
 * The TCP ports of one service that the supervisor holds while it means the service to run, so a
 * restart refuses no connection (src/runtime/inherited-sockets.ts says how the child takes them).
 */
export class HeldSockets {
  /** Null until a host name among the targets has been looked up; IP addresses need no lookup. */
  private bindable: Bindable[] | null;
  private handles: TcpHandle[] | null = null;

  constructor(private readonly targets: readonly ListenTarget[]) {
    this.bindable = targets.every((target) => net.isIP(target.host) !== 0) ? targets.map((target) => literal(target, target.host)) : null;
  }

  /** False while a host name still has to be looked up (`lookUp`) before `acquire`. */
  get lookedUp(): boolean {
    return this.bindable !== null;
  }

  async lookUp(): Promise<void> {
    const bindable: Bindable[] = [];
    for (const target of this.targets) {
      if (net.isIP(target.host) !== 0) {
        bindable.push(literal(target, target.host));
        continue;
      }
      try {
        bindable.push(literal(target, (await lookup(target.host)).address));
      } catch (error) {
        throw describeListenError(error, target);
      }
    }
    this.bindable = bindable;
  }

  /**
   * Binds every port not yet held, synchronously, so a start needs no extra turn of the event loop;
   * throws the sentence a service would ("port 12345 is already in use (hub); pass --hub-port …").
   */
  acquire(): void {
    if (this.handles || this.targets.length === 0) return;
    if (!this.bindable) throw new Error('held sockets: look the host up before binding');
    const handles: TcpHandle[] = [];
    try {
      for (const entry of this.bindable) handles.push(bind(entry));
    } catch (error) {
      for (const handle of handles) handle.close();
      throw error;
    }
    this.handles = handles;
  }

  /** What a child process gets: the descriptors for stdio slots 3, 4, … and the variable that names them. */
  inheritance(): Inheritance {
    if (!this.handles) return { stdio: [], env: {} };
    return { stdio: this.handles.map((handle) => handle.fd), env: { [INHERITED_SOCKETS_VARIABLE]: inheritedSocketsValue(this.targets) } };
  }

  /** Unbinds them: the service is not to run again until someone starts it, so its clients are refused, not kept waiting. */
  release(): void {
    for (const handle of this.handles ?? []) handle.close();
    this.handles = null;
  }
}

function literal(target: ListenTarget, address: string): Bindable {
  return { target, address, family: net.isIP(address) === 6 ? 6 : 4 };
}

function bind({ target, address, family }: Bindable): TcpHandle {
  const handle = createServerHandle(address, target.port, family);
  if (typeof handle === 'number') throw bindError(handle, target);
  // libuv defers EADDRINUSE from bind(2) to the listen(2) that the child would make, and that listen
  // would then pick a random port: the bound address tells at once.
  const bound: { port?: number } = {};
  const status = handle.getsockname(bound);
  if (status < 0 || bound.port !== target.port) {
    handle.close();
    throw bindError(status < 0 ? status : -os.constants.errno.EADDRINUSE, target);
  }
  return handle;
}

function bindError(errno: number, target: ListenTarget): Error {
  const code = getSystemErrorName(errno);
  return describeListenError(Object.assign(new Error(code), { code }), target);
}
