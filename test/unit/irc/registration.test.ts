import { describe, expect, it } from 'vitest';
import { Registration } from '../../../services/irc/registration.js';

describe('IRC registration state machine', () => {
  it('completes with NICK and USER when no CAP negotiation is under way', () => {
    const registration = new Registration();
    registration.nick = 'ann';
    expect(registration.complete).toBe(false);
    registration.username = 'ann';
    expect(registration.complete).toBe(true);
    registration.register();
    expect(registration.state).toBe('registered');
  });

  it('holds registration during CAP negotiation until CAP END', () => {
    const registration = new Registration();
    registration.beginNegotiation();
    registration.nick = 'ann';
    registration.username = 'ann';
    expect(registration.complete).toBe(false);
    registration.endNegotiation();
    expect(registration.complete).toBe(true);
  });

  it('refuses transitions that are not in the table', () => {
    const registration = new Registration();
    registration.close();
    expect(() => registration.register()).toThrow(/closed → registered is not a transition/);
  });
});
