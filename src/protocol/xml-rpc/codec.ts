import { XML_RPC_FAULTS, XmlRpcFault } from './fault.js';

/**
 * XML-RPC encoding for the room service and the supervisor's control socket: a small strict codec
 * for exactly the XML-RPC grammar, both directions (calls and answers).
 *
 * The xmlrpc package's own (de)serialiser (sax and xmlbuilder) costs about 90 µs a call, more than
 * everything else in a request together, which kept the room service near Python's
 * SimpleXMLRPCServer; this one does the same work in a few microseconds, and loads in none of the
 * time a short-lived CLI command has. The xmlrpc package remains the room service's client (and
 * the tests talk to both endpoints through Python's xmlrpc.client too).
 *
 * Documents with a DOCTYPE or ENTITY declaration are refused outright: no entity expansion, ever.
 */
export interface MethodCall {
  method: string;
  params: unknown[];
}

const MAX_DEPTH = 64;
const NAMED_ENTITIES = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

/** XML 1.0's Char production: a reference to anything else is a parse error, never a crash. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

class Cursor {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(expected: string): never {
    throw new XmlRpcFault(XML_RPC_FAULTS.parse_error, `malformed XML at offset ${this.pos}: expected ${expected}`);
  }

  /** Skips whitespace, the XML declaration, processing instructions and comments. */
  skipMisc(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
      if (this.text.startsWith('<?', this.pos)) {
        const end = this.text.indexOf('?>', this.pos);
        if (end < 0) this.fail('"?>"');
        this.pos = end + 2;
      } else if (this.text.startsWith('<!--', this.pos)) {
        const end = this.text.indexOf('-->', this.pos);
        if (end < 0) this.fail('"-->"');
        this.pos = end + 3;
      } else return;
    }
  }

  /** Reads `<name>` or `<name/>`; returns true when self-closing. */
  open(name: string): boolean {
    this.skipMisc();
    const tag = this.peekName();
    if (tag.closing || tag.name.toLowerCase() !== name.toLowerCase()) this.fail(`<${name}>`);
    this.pos = tag.end;
    return tag.selfClosing;
  }

  close(name: string): void {
    this.skipMisc();
    const tag = this.peekName();
    if (!tag.closing || tag.name.toLowerCase() !== name.toLowerCase()) this.fail(`</${name}>`);
    this.pos = tag.end;
  }

  /** The next tag without consuming it. */
  peekName(): { name: string; closing: boolean; selfClosing: boolean; end: number } {
    if (this.text[this.pos] !== '<') this.fail('a tag');
    const match = /^<(\/?)([A-Za-z][\w.:-]*)\s*(\/?)>/.exec(this.text.slice(this.pos, this.pos + 80));
    if (!match) this.fail('a tag');
    return { name: match[2]!, closing: match[1] === '/', selfClosing: match[3] === '/', end: this.pos + match[0].length };
  }

  isClosing(): boolean {
    this.skipMisc();
    return this.text.startsWith('</', this.pos);
  }

  /** Character data up to the next tag, with entities and CDATA sections decoded. */
  chars(): string {
    let out = '';
    for (;;) {
      if (this.text.startsWith('<![CDATA[', this.pos)) {
        const end = this.text.indexOf(']]>', this.pos);
        if (end < 0) this.fail('"]]>"');
        out += this.text.slice(this.pos + 9, end);
        this.pos = end + 3;
        continue;
      }
      const next = this.text.indexOf('<', this.pos);
      if (next < 0) this.fail('a closing tag');
      if (next === this.pos) return out;
      out += decodeEntities(this.text.slice(this.pos, next), this);
      this.pos = next;
    }
  }

  get atEnd(): boolean {
    this.skipMisc();
    return this.pos >= this.text.length;
  }
}

function decodeEntities(raw: string, cursor: Cursor): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);|&/g, (whole, entity: string | undefined) => {
    if (!entity) return cursor.fail('an entity reference (a bare "&" is not XML)');
    if (entity.startsWith('#')) {
      const code = entity.startsWith('#x') ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10);
      return isXmlChar(code) ? String.fromCodePoint(code) : cursor.fail(`a character reference to an XML character instead of ${whole}`);
    }
    const named = NAMED_ENTITIES.get(entity);
    return named ?? cursor.fail(`a known entity instead of ${whole}`);
  });
}

function parseValue(cursor: Cursor, depth: number): unknown {
  if (depth > MAX_DEPTH) cursor.fail(`values nested at most ${MAX_DEPTH} deep`);
  if (cursor.open('value')) return '';
  const text = cursor.chars();
  if (cursor.isClosing()) {
    cursor.close('value');
    return text;
  }
  const tag = cursor.peekName();
  const type = tag.name.toLowerCase();
  cursor.pos = tag.end;
  let value: unknown;
  if (tag.selfClosing) {
    value =
      type === 'nil'
        ? null
        : type === 'string'
          ? ''
          : type === 'struct'
            ? {}
            : type === 'array'
              ? []
              : cursor.fail(`a value inside <${tag.name}/>`);
  } else if (type === 'struct') {
    const struct: Record<string, unknown> = {};
    while (!cursor.isClosing()) {
      cursor.open('member');
      cursor.open('name');
      const name = cursor.chars();
      cursor.close('name');
      Object.defineProperty(struct, name, { value: parseValue(cursor, depth + 1), enumerable: true, writable: true, configurable: true });
      cursor.close('member');
    }
    value = struct;
  } else if (type === 'array') {
    const items: unknown[] = [];
    if (!cursor.open('data')) {
      while (!cursor.isClosing()) items.push(parseValue(cursor, depth + 1));
      cursor.close('data');
    }
    value = items;
  } else {
    value = scalar(type, cursor.chars(), cursor);
  }
  if (!tag.selfClosing) cursor.close(tag.name);
  cursor.close('value');
  return value;
}

function scalar(type: string, text: string, cursor: Cursor): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'int':
    case 'i4':
    case 'i8': {
      if (!/^\s*[-+]?\d+\s*$/.test(text)) cursor.fail(`an integer in <${type}>`);
      return Number(text);
    }
    case 'boolean':
      if (text.trim() === '1') return true;
      if (text.trim() === '0') return false;
      return cursor.fail('0 or 1 in <boolean>');
    case 'double': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) cursor.fail('a number in <double>');
      return n;
    }
    case 'base64':
      return Buffer.from(text.replace(/\s/g, ''), 'base64');
    case 'datetime.iso8601': {
      const match = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(text.trim());
      if (!match) cursor.fail('a date in <dateTime.iso8601>');
      return new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!));
    }
    case 'nil':
      return null;
    default:
      return cursor.fail(`a known XML-RPC type instead of <${type}>`);
  }
}

/** A cursor at the root element of a document; refuses declarations that could expand entities. */
function documentCursor(body: Buffer): Cursor {
  const text = body.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new XmlRpcFault(XML_RPC_FAULTS.parse_error, 'malformed XML: document type and entity declarations are not accepted');
  }
  const cursor = new Cursor(text);
  cursor.skipMisc();
  if (cursor.atEnd) throw new XmlRpcFault(XML_RPC_FAULTS.parse_error, 'malformed XML: the body is empty');
  return cursor;
}

/** Parses a `<methodCall>`; malformed XML is -32700, well-formed XML that is no call is -32600. */
export function decodeCall(body: Buffer): MethodCall {
  const cursor = documentCursor(body);
  const root = cursor.peekName();
  if (root.closing || root.name.toLowerCase() !== 'methodcall') {
    throw new XmlRpcFault(XML_RPC_FAULTS.invalid_request, 'not an XML-RPC method call: send <methodCall> with a <methodName>');
  }
  cursor.open('methodCall');
  cursor.open('methodName');
  const method = cursor.chars().trim();
  cursor.close('methodName');
  if (!method) throw new XmlRpcFault(XML_RPC_FAULTS.invalid_request, 'not an XML-RPC method call: <methodName> is empty');
  const params: unknown[] = [];
  if (!cursor.isClosing()) {
    if (!cursor.open('params')) {
      while (!cursor.isClosing()) {
        cursor.open('param');
        params.push(parseValue(cursor, 0));
        cursor.close('param');
      }
      cursor.close('params');
    }
  }
  cursor.close('methodCall');
  if (!cursor.atEnd) cursor.fail('the end of the document');
  return { method, params };
}

/**
 * Parses a `<methodResponse>` (the client's side): returns the value, or throws the fault it
 * carries as an XmlRpcFault with the server's code and sentence.
 */
export function decodeResponse(body: Buffer): unknown {
  const cursor = documentCursor(body);
  cursor.open('methodResponse');
  cursor.skipMisc();
  const kind = cursor.peekName();
  if (!kind.closing && kind.name.toLowerCase() === 'fault') {
    cursor.open('fault');
    const fault = parseValue(cursor, 0) as { faultCode?: unknown; faultString?: unknown } | null;
    cursor.close('fault');
    const code = fault?.faultCode;
    if (typeof code !== 'number') return cursor.fail('a fault struct with an integer faultCode');
    throw new XmlRpcFault(code, String(fault?.faultString ?? ''));
  }
  cursor.open('params');
  cursor.open('param');
  const value = parseValue(cursor, 0);
  cursor.close('param');
  cursor.close('params');
  cursor.close('methodResponse');
  if (!cursor.atEnd) cursor.fail('the end of the document');
  return value;
}

// Characters XML 1.0 cannot carry at all become U+FFFD, so every answer stays well-formed.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

const NEEDS_ESCAPE = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(INVALID_XML, '\ufffd');
}

function iso8601(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/-/g, '');
}

function encodeValue(value: unknown): string {
  if (typeof value === 'string') return `<value><string>${escapeXml(value)}</string></value>`;
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < 2 ** 31
      ? `<value><int>${value}</int></value>`
      : `<value><double>${value}</double></value>`;
  }
  if (value === null || value === undefined) return '<value><nil/></value>';
  if (value instanceof Date) return `<value><dateTime.iso8601>${iso8601(value)}</dateTime.iso8601></value>`;
  if (Buffer.isBuffer(value)) return `<value><base64>${value.toString('base64')}</base64></value>`;
  if (Array.isArray(value)) return `<value><array><data>${value.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .map(([name, member]) => `<member><name>${escapeXml(name)}</name>${encodeValue(member)}</member>`);
  return `<value><struct>${members.join('')}</struct></value>`;
}

export function encodeCall(method: string, params: readonly unknown[]): string {
  return `<?xml version="1.0"?>\n<methodCall><methodName>${escapeXml(method)}</methodName><params>${params.map((param) => `<param>${encodeValue(param)}</param>`).join('')}</params></methodCall>`;
}

export function encodeResult(value: unknown): string {
  return `<?xml version="1.0"?>\n<methodResponse><params><param>${encodeValue(value)}</param></params></methodResponse>`;
}

export function encodeFault(code: number, message: string): string {
  return `<?xml version="1.0"?>\n<methodResponse><fault>${encodeValue({ faultCode: code, faultString: message })}</fault></methodResponse>`;
}
