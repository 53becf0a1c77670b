import { describe, expect, it } from 'vitest';
import { decodeCall, decodeResponse, encodeCall, encodeFault, encodeResult } from '../../../src/protocol/xml-rpc/codec.js';

const xml = (strings: TemplateStringsArray): Buffer => Buffer.from(strings.join(''));

describe('XML-RPC codec', () => {
  it('decodes every XML-RPC value type', () => {
    const call = decodeCall(xml`<?xml version="1.0"?>
      <methodCall><methodName>m</methodName><params>
        <param><value>bare</value></param>
        <param><value><i4>-7</i4></value></param>
        <param><value><boolean>1</boolean></value></param>
        <param><value><double>2.5</double></value></param>
        <param><value><string>a &lt;b&gt; &amp; &#233;&#x263A;</string></value></param>
        <param><value><base64>aGk=</base64></value></param>
        <param><value><dateTime.iso8601>20260102T03:04:05</dateTime.iso8601></value></param>
        <param><value><array><data><value><int>1</int></value><value><nil/></value></data></array></value></param>
        <param><value><struct><member><name>k</name><value><string><![CDATA[<raw>]]></string></value></member></struct></value></param>
      </params></methodCall>`);
    expect(call.method).toBe('m');
    expect(call.params).toEqual([
      'bare',
      -7,
      true,
      2.5,
      'a <b> & é☺',
      Buffer.from('hi'),
      new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      [1, null],
      { k: '<raw>' },
    ]);
  });

  it('keeps a struct member named __proto__ as plain data', () => {
    const call = decodeCall(
      xml`<methodCall><methodName>m</methodName><params><param><value><struct><member><name>__proto__</name><value><string>x</string></value></member></struct></value></param></params></methodCall>`,
    );
    const struct = call.params[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(struct)).toBe(Object.prototype);
    expect(Object.hasOwn(struct, '__proto__')).toBe(true);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY a "b">]><methodCall><methodName>m</methodName></methodCall>', -32700],
    ['an unknown entity', '<methodCall><methodName>&xxe;</methodName></methodCall>', -32700],
    ['an inherited name as an entity', '<methodCall><methodName>&constructor;</methodName></methodCall>', -32700],
    ['a reference past U+10FFFF', '<methodCall><methodName>&#x110000;</methodName></methodCall>', -32700],
    ['a reference to NUL', '<methodCall><methodName>m&#0;</methodName></methodCall>', -32700],
    ['a reference to a lone surrogate', '<methodCall><methodName>m&#xD800;</methodName></methodCall>', -32700],
    [
      'an unknown type',
      '<methodCall><methodName>m</methodName><params><param><value><blob>1</blob></value></param></params></methodCall>',
      -32700,
    ],
    [
      'values nested past the limit',
      `<methodCall><methodName>m</methodName><params><param>${'<value><array><data>'.repeat(70)}${'</data></array></value>'.repeat(70)}</param></params></methodCall>`,
      -32700,
    ],
    ['trailing content', '<methodCall><methodName>m</methodName></methodCall><extra/>', -32700],
    ['a document that is not a call', '<methodResponse/>', -32600],
    ['an empty method name', '<methodCall><methodName> </methodName></methodCall>', -32600],
  ])('refuses %s with its documented fault', (_case, body, code) => {
    expect(() => decodeCall(Buffer.from(body))).toThrow(expect.objectContaining({ code }));
  });

  it('encodes answers as XML-RPC, escaping markup and replacing characters XML 1.0 cannot carry', () => {
    const answer = encodeResult({ name: 'a<b', n: 3, big: 2 ** 40, ok: false, none: null, list: ['x\u0001'] });
    expect(answer).toContain('<name>name</name><value><string>a&lt;b</string></value>');
    expect(answer).toContain('<int>3</int>');
    expect(answer).toContain('<double>1099511627776</double>');
    expect(answer).toContain('<nil/>');
    expect(answer).toContain('x\ufffd');
    expect(encodeFault(101, 'no room')).toContain('<name>faultCode</name><value><int>101</int></value>');
  });
});

describe('XML-RPC codec, the client side', () => {
  it('encodes a call that decodes to the same method and values', () => {
    const params = ['hub', 3, true, { n: -1, list: ['a&b'] }, []];
    const call = decodeCall(Buffer.from(encodeCall('restart', params)));
    expect(call).toEqual({ method: 'restart', params });
  });

  it('decodes an answer to its value', () => {
    expect(decodeResponse(Buffer.from(encodeResult({ services: [{ name: 'hub', pid: 42 }] })))).toEqual({
      services: [{ name: 'hub', pid: 42 }],
    });
  });

  it('throws the fault an answer carries, with its code and sentence', () => {
    expect(() => decodeResponse(Buffer.from(encodeFault(2, 'no service named x')))).toThrow(
      expect.objectContaining({ name: 'XmlRpcFault', code: 2, message: 'no service named x' }),
    );
  });

  it.each([
    ['a call instead of an answer', '<methodCall><methodName>m</methodName></methodCall>'],
    ['an answer without a value', '<methodResponse><params></params></methodResponse>'],
    ['a fault without a code', '<methodResponse><fault><value><struct></struct></value></fault></methodResponse>'],
  ])('refuses %s', (_case, body) => {
    expect(() => decodeResponse(Buffer.from(body))).toThrow(expect.objectContaining({ code: -32700 }));
  });
});
