/**
 * The registration of one IRC connection as an explicit state machine (modern.ircdocs.horse,
 * "Connection Registration"): a client sends NICK and USER (and PASS when the gateway has a
 * password), optionally inside a CAP negotiation, which suspends registration until CAP END.
 *
 *   awaiting_identity ⇄ negotiating_caps
 *          └──────────────┴──→ registered ──→ closed
 */
export type RegistrationState = 'awaiting_identity' | 'negotiating_caps' | 'registered' | 'closed';

const TRANSITIONS: Record<RegistrationState, readonly RegistrationState[]> = {
  awaiting_identity: ['negotiating_caps', 'registered', 'closed'],
  negotiating_caps: ['awaiting_identity', 'registered', 'closed'],
  registered: ['closed'],
  closed: [],
};

export class Registration {
  private stateValue: RegistrationState = 'awaiting_identity';
  nick: string | undefined;
  username: string | undefined;
  realname = '';
  passwordGiven: string | undefined;

  get state(): RegistrationState {
    return this.stateValue;
  }

  get isRegistered(): boolean {
    return this.stateValue === 'registered';
  }

  /** CAP LS or CAP REQ before registration: hold registration until CAP END. */
  beginNegotiation(): void {
    if (this.stateValue === 'awaiting_identity') this.transition('negotiating_caps');
  }

  endNegotiation(): void {
    if (this.stateValue === 'negotiating_caps') this.transition('awaiting_identity');
  }

  /** True when the client has said all it must and is not negotiating: the caller welcomes it. */
  get complete(): boolean {
    return this.stateValue === 'awaiting_identity' && this.nick !== undefined && this.username !== undefined;
  }

  register(): void {
    this.transition('registered');
  }

  close(): void {
    if (this.stateValue !== 'closed') this.transition('closed');
  }

  private transition(next: RegistrationState): void {
    if (!TRANSITIONS[this.stateValue].includes(next)) throw new Error(`registration: ${this.stateValue} → ${next} is not a transition`);
    this.stateValue = next;
  }
}
