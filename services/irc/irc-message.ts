/**
 * One IRC message (modern.ircdocs.horse, "Message format"): optional tags, optional source, a
 * command and up to 15 parameters, the last of which may contain spaces when written as a trailing
 * parameter. Parsing and serialising are the only jobs here; limits are the connection's.
 */
export interface IrcMessage {
  tags?: Record<string, string>;
  source?: string;
  command: string;
  params: string[];
}

const MAX_PARAMS = 15;

/** Parses one line (without CR LF). Undefined for a line with no command (empty or only tags/source). */
export function parseMessage(line: string): IrcMessage | undefined {
  let rest = line;
  let tags: Record<string, string> | undefined;
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    if (space < 0) return undefined;
    tags = parseTags(rest.slice(1, space));
    rest = rest.slice(space + 1);
  }
  rest = rest.replace(/^ +/, '');
  let source: string | undefined;
  if (rest.startsWith(':')) {
    const space = rest.indexOf(' ');
    if (space < 0) return undefined;
    source = rest.slice(1, space);
    rest = rest.slice(space + 1);
  }
  const params: string[] = [];
  let command = '';
  while (rest.length > 0) {
    rest = rest.replace(/^ +/, '');
    if (rest.length === 0) break;
    if (command && (rest.startsWith(':') || params.length === MAX_PARAMS - 1)) {
      params.push(rest.startsWith(':') ? rest.slice(1) : rest);
      break;
    }
    const space = rest.indexOf(' ');
    const word = space < 0 ? rest : rest.slice(0, space);
    rest = space < 0 ? '' : rest.slice(space + 1);
    if (!command) command = word.toUpperCase();
    else params.push(word);
  }
  if (!command) return undefined;
  const message: IrcMessage = { command, params };
  if (tags) message.tags = tags;
  if (source !== undefined) message.source = source;
  return message;
}

function parseTags(raw: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of raw.split(';')) {
    if (!item) continue;
    const eq = item.indexOf('=');
    tags[eq < 0 ? item : item.slice(0, eq)] = eq < 0 ? '' : unescapeTagValue(item.slice(eq + 1));
  }
  return tags;
}

const TAG_ESCAPES: Record<string, string> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

function unescapeTagValue(value: string): string {
  return value.replace(/\\(.?)/g, (_, next: string) => TAG_ESCAPES[next] ?? next);
}

function escapeTagValue(value: string): string {
  return value.replace(/[\\; \r\n]/g, (c) => ({ '\\': '\\\\', ';': '\\:', ' ': '\\s', '\r': '\\r', '\n': '\\n' })[c]!);
}

/**
 * Writes a message as a line without CR LF. The last parameter becomes trailing when it has to
 * (empty, contains a space, or starts with ":"), and always for `trailing: true`, which some
 * clients expect for text (PRIVMSG, numerics' messages).
 */
export function serializeMessage(message: IrcMessage, trailing = false): string {
  let line = '';
  if (message.tags && Object.keys(message.tags).length > 0) {
    line += `@${Object.entries(message.tags)
      .map(([key, value]) => (value === '' ? key : `${key}=${escapeTagValue(value)}`))
      .join(';')} `;
  }
  if (message.source) line += `:${message.source} `;
  line += message.command;
  message.params.forEach((param, i) => {
    const last = i === message.params.length - 1;
    line += last && (trailing || param === '' || param.includes(' ') || param.startsWith(':')) ? ` :${param}` : ` ${param}`;
  });
  return line;
}

/** Bytes a message takes on the wire without its tags, CR LF included: the part the 512-byte limit is about. */
export function untaggedBytes(line: string): number {
  const body = line.startsWith('@') ? line.slice(line.indexOf(' ') + 1) : line;
  return Buffer.byteLength(body, 'utf8') + 2;
}
