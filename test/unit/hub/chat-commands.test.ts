import { describe, expect, it } from 'vitest';
import { parseChatLine } from '../../../src/clients/chat/chat-commands.js';

describe('chat client line parsing', () => {
  it('sends plain lines as they were typed and ignores blank ones', () => {
    expect(parseChatLine('  hello there ')).toEqual({ kind: 'say', text: '  hello there ' });
    expect(parseChatLine('   ')).toBeUndefined();
  });

  it('sends a line starting with // as a literal slash', () => {
    expect(parseChatLine('//join is a command')).toEqual({ kind: 'say', text: '/join is a command' });
  });

  it('reads every command, case-insensitively', () => {
    expect(parseChatLine('/JOIN hobby')).toEqual({ kind: 'join', room: 'hobby' });
    expect(parseChatLine('/leave')).toEqual({ kind: 'leave' });
    expect(parseChatLine('/leave hobby')).toEqual({ kind: 'leave', room: 'hobby' });
    expect(parseChatLine('/switch study')).toEqual({ kind: 'switch', room: 'study' });
    expect(parseChatLine('/me waves hello')).toEqual({ kind: 'me', action: 'waves hello' });
    expect(parseChatLine('/rooms')).toEqual({ kind: 'rooms' });
    expect(parseChatLine('/who')).toEqual({ kind: 'who' });
    expect(parseChatLine('/help')).toEqual({ kind: 'help' });
    expect(parseChatLine('/quit')).toEqual({ kind: 'quit' });
  });

  it('explains a missing argument or an unknown command instead of sending it', () => {
    expect(parseChatLine('/join')).toMatchObject({ kind: 'invalid', message: 'usage: /join <room>' });
    expect(parseChatLine('/frobnicate')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('/help') });
  });
});
