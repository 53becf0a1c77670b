/** What a line typed into the chat client asks for. */
export type ChatCommand =
  | { kind: 'say'; text: string }
  | { kind: 'me'; action: string }
  | { kind: 'join'; room: string }
  | { kind: 'leave'; room?: string }
  | { kind: 'switch'; room: string }
  | { kind: 'rooms' }
  | { kind: 'who' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'invalid'; message: string };

export const CHAT_HELP = [
  'Type a line to send it to the current room. Commands:',
  '  /join <room>     join (or create) another room',
  '  /leave [room]    leave a room (default: the current one)',
  '  /switch <room>   send plain lines to another of your rooms',
  '  /rooms           your rooms, and the ones you could join',
  '  /who             who is in the current room',
  '  /me <action>     say what you are doing',
  '  /help            this list',
  '  /quit            leave the chat (Ctrl-D too)',
].join('\n');

export function parseChatLine(line: string): ChatCommand | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('/') || trimmed.startsWith('//'))
    return { kind: 'say', text: trimmed.startsWith('//') ? line.trimStart().slice(1) : line };
  const [name, ...rest] = trimmed.slice(1).split(/\s+/);
  const arg = rest.join(' ');
  switch (name?.toLowerCase()) {
    case 'join':
      return arg ? { kind: 'join', room: arg } : { kind: 'invalid', message: 'usage: /join <room>' };
    case 'leave':
      return arg ? { kind: 'leave', room: arg } : { kind: 'leave' };
    case 'switch':
      return arg ? { kind: 'switch', room: arg } : { kind: 'invalid', message: 'usage: /switch <room>' };
    case 'rooms':
      return { kind: 'rooms' };
    case 'who':
      return { kind: 'who' };
    case 'me':
      return arg ? { kind: 'me', action: arg } : { kind: 'invalid', message: 'usage: /me <action>' };
    case 'help':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    default:
      return { kind: 'invalid', message: `unknown command /${name}; /help lists them (start a line with // to send a literal /)` };
  }
}
