/**
 * Slows down passphrase guessing. An attempt is counted before any hashing is done (so a burst
 * of concurrent guesses cannot all be evaluated), against three keys at once: the room and client
 * address together, the room from anywhere (rotating addresses does not help), and the address
 * across rooms. A key that reaches its limit within the window is locked out, for the window the
 * first time and twice as long each time after (up to `maxLockoutMs`). A right passphrase takes
 * its attempt back.
 *
 * Memory is bounded: keys with nothing recent are swept, and past `maxTracked` keys the least
 * recently used go first.
 */
export interface GuessLimits {
  perRoomAndAddress: number;
  perRoom: number;
  perAddress: number;
  windowMs: number;
  maxLockoutMs: number;
  maxTracked: number;
}

interface KeyState {
  attempts: number[];
  lockedUntil: number;
  strikes: number;
}

export type AttemptTicket = { ok: true; keys: string[]; at: number } | { ok: false; retryAfterMs: number };

export class AttemptLimiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly limits: GuessLimits) {}

  /** Counts one attempt at `room` from `address`, or says how long to wait. */
  begin(room: string, address: string, now = Date.now()): AttemptTicket {
    const checks: Array<[string, number]> = [
      [`pair ${room} ${address}`, this.limits.perRoomAndAddress],
      [`room ${room}`, this.limits.perRoom],
      [`addr ${address}`, this.limits.perAddress],
    ];
    const states = checks.map(([key]) => this.state(key, now));
    const wait = Math.max(...states.map((state) => state.lockedUntil - now));
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    checks.forEach(([, limit], i) => {
      const state = states[i]!;
      state.attempts.push(now);
      if (state.attempts.length >= limit) {
        state.lockedUntil = now + Math.min(this.limits.maxLockoutMs, this.limits.windowMs * 2 ** state.strikes);
        state.strikes++;
      }
    });
    return { ok: true, keys: checks.map(([key]) => key), at: now };
  }

  /** A right passphrase: its attempt no longer counts (a lockout it caused stays). */
  succeeded(ticket: Extract<AttemptTicket, { ok: true }>): void {
    for (const key of ticket.keys) {
      const attempts = this.keys.get(key)?.attempts;
      const index = attempts?.lastIndexOf(ticket.at) ?? -1;
      if (index >= 0) attempts!.splice(index, 1);
    }
  }

  sweep(now = Date.now()): void {
    for (const [key, state] of this.keys) {
      state.attempts = state.attempts.filter((at) => at > now - this.limits.windowMs);
      if (state.attempts.length === 0 && state.lockedUntil <= now - this.limits.windowMs) this.keys.delete(key);
    }
  }

  get tracked(): number {
    return this.keys.size;
  }

  private state(key: string, now: number): KeyState {
    let state = this.keys.get(key);
    if (state) this.keys.delete(key);
    else state = { attempts: [], lockedUntil: 0, strikes: 0 };
    state.attempts = state.attempts.filter((at) => at > now - this.limits.windowMs);
    this.keys.set(key, state);
    if (this.keys.size > this.limits.maxTracked) this.keys.delete(this.keys.keys().next().value!);
    return state;
  }
}
