/** What `/create` takes: the same options as `thiscord rooms create`. */
export interface CreateRequest {
  private: boolean;
  ttl?: string;
  topic?: string;
  unlisted: boolean;
}

/** What a line typed into the chat client asks for. */
export type ChatCommand =
  | { kind: 'say'; text: string }
  | { kind: 'me'; action: string }
  | { kind: 'join'; room: string }
  | { kind: 'create'; room: string; options: CreateRequest }
  | { kind: 'leave'; room?: string }
  | { kind: 'switch'; room: string }
  | { kind: 'rooms' }
  | { kind: 'who' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'invalid'; message: string };

/** Every command once: its usage, what it does, and what Tab completes after it. */
export const CHAT_COMMANDS = [
  { name: 'join', usage: '/join <room>', help: 'join a room (asks for its passphrase if it has one)', completes: 'rooms' },
  {
    name: 'create',
    usage: '/create <room> [--private] [--ttl 2h] [--topic "…"] [--unlisted]',
    help: 'create a room you own and join it (--private asks for a passphrase)',
    completes: 'nothing',
  },
  { name: 'leave', usage: '/leave [room]', help: 'leave a room (default: the current one)', completes: 'my-rooms' },
  { name: 'switch', usage: '/switch <room>', help: 'send plain lines to another of your rooms', completes: 'my-rooms' },
  { name: 'rooms', usage: '/rooms', help: 'your rooms and the ones you could join: members and who is online', completes: 'nothing' },
  { name: 'who', usage: '/who', help: 'who is online in the current room, and its members', completes: 'nothing' },
  { name: 'me', usage: '/me <action>', help: 'say what you are doing', completes: 'names' },
  { name: 'help', usage: '/help', help: 'this list', completes: 'nothing' },
  { name: 'quit', usage: '/quit', help: 'leave the chat (Ctrl-D too)', completes: 'nothing' },
] as const;

export type Completes = (typeof CHAT_COMMANDS)[number]['completes'];

export const CHAT_HELP = [
  'Type a line to send it to the current room; Tab completes commands, rooms and names. Commands:',
  ...CHAT_COMMANDS.map((command) => `  ${command.usage.padEnd(20)} ${command.help}`),
].join('\n');

const CREATE_USAGE = `usage: ${CHAT_COMMANDS[1].usage}`;

/** Words as a shell would split them: quotes keep spaces ("CECS 327"). */
function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/** `/create <room> [--private] [--ttl 2h] [--topic "…"] [--unlisted]`, parsed by hand: the browser client shares this module. */
function parseCreate(arg: string): ChatCommand {
  const rooms: string[] = [];
  const options: CreateRequest = { private: false, unlisted: false };
  const tokens = words(arg);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--private') options.private = true;
    else if (token === '--unlisted') options.unlisted = true;
    else if (token === '--ttl' || token === '--topic') {
      const value = tokens[++i];
      if (value === undefined) return { kind: 'invalid', message: `${token} needs a value; ${CREATE_USAGE}` };
      if (token === '--ttl') options.ttl = value;
      else options.topic = value;
    } else if (token.startsWith('-')) return { kind: 'invalid', message: `unknown option ${token}; ${CREATE_USAGE}` };
    else rooms.push(token);
  }
  return rooms.length === 1 ? { kind: 'create', room: rooms[0]!, options } : { kind: 'invalid', message: CREATE_USAGE };
}

export function parseChatLine(line: string): ChatCommand | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('/') || trimmed.startsWith('//'))
    return { kind: 'say', text: trimmed.startsWith('//') ? line.trimStart().slice(1) : line };
  const [name, ...rest] = trimmed.slice(1).split(/\s+/);
  const arg = rest.join(' ');
  switch (name?.toLowerCase()) {
    case 'join':
      // One word only: a passphrase typed here would stay on screen; it is asked for, hidden, instead.
      return rest.length === 1 ? { kind: 'join', room: arg } : { kind: 'invalid', message: `usage: ${CHAT_COMMANDS[0].usage}` };
    case 'create':
      return parseCreate(arg);
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

/** What Tab can complete to: filled in by the session as it learns rooms and who is online. */
export interface CompletionSource {
  myRooms(): string[];
  knownRooms(): string[];
  names(): string[];
}

/** readline's completer: commands after a leading /, rooms after the commands that take one, names elsewhere. */
export function completeChatLine(line: string, source: CompletionSource): [string[], string] {
  const word = /\S*$/.exec(line)?.[0] ?? '';
  const before = line.slice(0, line.length - word.length);
  if (before.trim() === '' && word.startsWith('/')) {
    const hits = CHAT_COMMANDS.map((command) => `/${command.name} `).filter((name) => name.startsWith(word));
    return [hits, word];
  }
  const command = /^\/(\S+)\s+$/.exec(before)?.[1]?.toLowerCase();
  const completes: Completes = CHAT_COMMANDS.find((entry) => entry.name === command)?.completes ?? 'names';
  const candidates =
    completes === 'rooms'
      ? source.knownRooms()
      : completes === 'my-rooms'
        ? source.myRooms()
        : completes === 'names' && word !== ''
          ? source.names()
          : [];
  // Case matters: readline keeps what was typed and adds the rest of the hit.
  const hits = [...new Set(candidates)].filter((candidate) => candidate.startsWith(word));
  return [hits, word];
}
