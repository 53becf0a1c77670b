import { ConfigError, envNameOf } from '../../src/config/validate.js';

/**
 * Which origins the page may be served under. Browsers send `Origin` with every WebSocket
 * handshake and every POST; a page from any other origin (or a DNS name rebound to loopback) is
 * refused, so another site open in the same browser cannot act as its user.
 */
export class AllowedOrigins {
  private readonly origins: Set<string>;
  private readonly hosts: Set<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins.map((origin) => new URL(origin).origin));
    this.hosts = new Set([...this.origins].map((origin) => new URL(origin).host));
  }

  /** The page's own origins: the bound address (and `localhost` when it is loopback), plus any configured. */
  static forListener(host: string, port: number, extra: readonly string[]): AllowedOrigins {
    const bracketed = host.includes(':') ? `[${host}]` : host;
    const own = [`http://${bracketed}:${port}`];
    if (host === '127.0.0.1' || host === '::1' || host === 'localhost')
      own.push(`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`);
    return new AllowedOrigins([...own, ...extra]);
  }

  get list(): string[] {
    return [...this.origins];
  }

  /** A `Host` header naming one of the allowed origins (checked on every request: DNS rebinding). */
  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  originAllowed(origin: string | undefined): boolean {
    return origin !== undefined && this.origins.has(origin.toLowerCase());
  }
}

/** Parses `--web-origin`: a comma-separated list of `http(s)://name[:port]` origins. */
export function parseOriginList(flag: string, value: unknown): string[] {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') return [];
  return text.split(',').map((item) => {
    const trimmed = item.trim();
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new ConfigError(
        `--${flag} (or ${envNameOf(flag)}) must be origins such as http://chat.example:8080, separated by commas; got ${JSON.stringify(trimmed)}`,
      );
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== trimmed.replace(/\/$/, ''))
      throw new ConfigError(
        `--${flag}: ${JSON.stringify(trimmed)} is not an origin; write scheme, host and port only, e.g. http://chat.example:8080`,
      );
    return url.origin;
  });
}
