/**
 * How many connections the hub holds for each source, checked at the edge before anything else
 * runs (after ergo's per-IP limits): a flood from one address or under one name fills its own
 * quota, never the hub. Connections on the local socket (probes, gateways) have a total of their
 * own and no per-address count: a gateway applies that per real client address itself.
 */
export interface QuotaLimits {
  maxConnections: number;
  maxPerAddress: number;
  maxPerUser: number;
}

export type Origin = 'tcp' | 'local';

export type QuotaCheck = { ok: true } | { ok: false; message: string };

export class ConnectionQuota {
  private readonly totals: Record<Origin, number> = { tcp: 0, local: 0 };
  private readonly byAddress = new Map<string, number>();
  private readonly byUser = new Map<string, number>();

  constructor(private readonly limits: QuotaLimits) {}

  get connections(): number {
    return this.totals.tcp + this.totals.local;
  }

  /** Counts a new connection in, or says why not; every `ok` is matched by one `release`. */
  open(origin: Origin, address: string): QuotaCheck {
    if (this.totals[origin] >= this.limits.maxConnections) {
      return { ok: false, message: `the hub is full (${this.limits.maxConnections} connections); try again later` };
    }
    if (origin === 'tcp') {
      const held = this.byAddress.get(address) ?? 0;
      if (held >= this.limits.maxPerAddress) {
        return { ok: false, message: `your address already holds ${held} connections (--max-connections-per-address); close one first` };
      }
      this.byAddress.set(address, held + 1);
    }
    this.totals[origin]++;
    return { ok: true };
  }

  close(origin: Origin, address: string): void {
    this.totals[origin]--;
    if (origin === 'tcp') decrement(this.byAddress, address);
  }

  /** Counts one more connection admitted under a name, or says why not; matched by `leaveUser`. */
  enterUser(userKey: string): QuotaCheck {
    const held = this.byUser.get(userKey) ?? 0;
    if (held >= this.limits.maxPerUser) {
      return { ok: false, message: `you already have ${held} connections to the hub (--max-connections-per-user); close one first` };
    }
    this.byUser.set(userKey, held + 1);
    return { ok: true };
  }

  leaveUser(userKey: string): void {
    decrement(this.byUser, userKey);
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left <= 0) counts.delete(key);
  else counts.set(key, left);
}
