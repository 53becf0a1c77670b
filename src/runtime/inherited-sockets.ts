/**
 * Listening sockets a service inherits from its supervisor, as systemd's socket activation hands
 * them over: the supervisor binds each TCP port once and passes the socket to every process it
 * starts for that service, so that while one process is replaced, clients wait in the kernel's
 * backlog instead of being refused. The variable names each socket by the address it is bound to,
 * `127.0.0.1:12345=3,127.0.0.1:3000=4`; a service that finds its address there listens on that file
 * descriptor instead of binding the port itself. (systemd's own LISTEN_FDS needs LISTEN_PID, which
 * only a fork-then-exec launcher can set.)
 */
export const INHERITED_SOCKETS_VARIABLE = 'THISCORD_LISTEN_FDS';

/** Where the inherited descriptors start: after stdin, stdout and stderr, as in systemd. */
export const FIRST_INHERITED_FD = 3;

export interface TcpAddress {
  host: string;
  port: number;
}

function key(address: TcpAddress): string {
  return `${address.host}:${address.port}`;
}

/** The variable's value for sockets passed in this order, from FIRST_INHERITED_FD on. */
export function inheritedSocketsValue(addresses: readonly TcpAddress[]): string {
  return addresses.map((address, i) => `${key(address)}=${FIRST_INHERITED_FD + i}`).join(',');
}

/** The descriptor of the inherited socket bound to `address`, if the supervisor passed one. */
export function inheritedFd(address: TcpAddress, env: NodeJS.ProcessEnv = process.env): number | undefined {
  for (const entry of (env[INHERITED_SOCKETS_VARIABLE] ?? '').split(',')) {
    const at = entry.lastIndexOf('=');
    if (at <= 0 || entry.slice(0, at) !== key(address)) continue;
    const fd = Number(entry.slice(at + 1));
    if (Number.isInteger(fd) && fd >= FIRST_INHERITED_FD) return fd;
  }
  return undefined;
}
