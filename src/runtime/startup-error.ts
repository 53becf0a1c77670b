/**
 * A start-up failure that carries a sentence a person can act on, e.g.
 * "port 12345 is already in use (hub); pass --hub-port or stop the other process".
 */
export class StartupError extends Error {
  override name = 'StartupError';
  readonly userFacing = true;
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ListenTarget {
  service: string;
  /** What listens there, when a service has several sockets: "PULL", "PUB". */
  what?: string;
  host: string;
  port: number;
  flag: string;
}

/** Turns bind errors (from node:net or ZeroMQ) into a StartupError that names the fix. */
export function describeListenError(error: unknown, target: ListenTarget): Error {
  const code = (error as { code?: string } | null)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const who = target.what ? `${target.service} ${target.what}` : target.service;
  if (code === 'EADDRINUSE' || /address already in use/i.test(message)) {
    return new StartupError(
      `port ${target.port} is already in use (${who}); pass --${target.flag} or stop the other process`,
      'EADDRINUSE',
    );
  }
  if (code === 'EACCES' || /permission denied/i.test(message)) {
    return new StartupError(`not allowed to listen on port ${target.port} (${who}); pass a --${target.flag} above 1023`, 'EACCES');
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || /can't assign requested address|no such device/i.test(message)) {
    return new StartupError(
      `cannot listen on ${target.host} (${who}): no such local address; pass --host with an address of this machine`,
      code || 'EADDRNOTAVAIL',
    );
  }
  return error instanceof Error ? error : new Error(message);
}
