import { describe, expect, it } from 'vitest';
import { parseMessage, serializeMessage, untaggedBytes } from '../../../services/irc/irc-message.js';

describe('IRC message parsing', () => {
  it('reads tags, source, command and a trailing parameter', () => {
    expect(parseMessage('@time=2026-01-01T00:00:00.000Z;msgid=a\\sb :nick!u@h privmsg #room :hello : world')).toEqual({
      tags: { time: '2026-01-01T00:00:00.000Z', msgid: 'a b' },
      source: 'nick!u@h',
      command: 'PRIVMSG',
      params: ['#room', 'hello : world'],
    });
  });

  it('takes middle parameters separated by any number of spaces, and an empty trailing one', () => {
    expect(parseMessage('USER  guest 0   * :')).toEqual({ command: 'USER', params: ['guest', '0', '*', ''] });
  });

  it('gives no message for a line without a command', () => {
    expect(parseMessage('')).toBeUndefined();
    expect(parseMessage('   ')).toBeUndefined();
    expect(parseMessage('@tag=1')).toBeUndefined();
    expect(parseMessage(':source-only')).toBeUndefined();
  });

  it('keeps at most 15 parameters, the fifteenth taking the rest of the line', () => {
    const words = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const parsed = parseMessage(`CMD ${words.join(' ')}`)!;
    expect(parsed.params).toHaveLength(15);
    expect(parsed.params[14]).toBe(words.slice(14).join(' '));
  });
});

describe('IRC message serialising', () => {
  it('makes the last parameter trailing only when it must, or when asked', () => {
    expect(serializeMessage({ command: 'JOIN', params: ['#room'] })).toBe('JOIN #room');
    expect(serializeMessage({ command: 'PART', params: ['#room', 'see you'] })).toBe('PART #room :see you');
    expect(serializeMessage({ command: 'PRIVMSG', params: ['#room', ':)'] })).toBe('PRIVMSG #room ::)');
    expect(serializeMessage({ command: 'TOPIC', params: ['#room', ''] })).toBe('TOPIC #room :');
    expect(serializeMessage({ source: 'srv', command: '001', params: ['nick', 'Welcome'] }, true)).toBe(':srv 001 nick :Welcome');
  });

  it('escapes tag values and round-trips through the parser', () => {
    const message = { tags: { note: 'a;b c\\d' }, source: 'x!y@z', command: 'PRIVMSG', params: ['#r', 'text with spaces'] };
    const line = serializeMessage(message);
    expect(line.startsWith('@note=a\\:b\\sc\\\\d ')).toBe(true);
    expect(parseMessage(line)).toEqual(message);
  });

  it('counts the bytes the 512 limit is about: without tags, with CR LF', () => {
    expect(untaggedBytes('@time=x PING :é')).toBe(Buffer.byteLength('PING :é') + 2);
  });
});
