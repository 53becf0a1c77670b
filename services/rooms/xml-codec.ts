import { Readable } from 'node:stream';
import Deserializer from 'xmlrpc/lib/deserializer.js';
import { serializeFault, serializeMethodResponse } from 'xmlrpc/lib/serializer.js';
import { RpcFault } from './faults.js';

export interface MethodCall {
  method: string;
  params: unknown[];
}

/** Document type declarations are how entity-expansion attacks start; XML-RPC never needs one. */
const DECLARATIONS = /<!DOCTYPE|<!ENTITY/i;

/** Parses a `<methodCall>` with the xmlrpc package's deserialiser, mapping its failures to faults. */
export function decodeCall(body: Buffer): Promise<MethodCall> {
  const text = body.toString('utf8');
  if (DECLARATIONS.test(text)) {
    return Promise.reject(new RpcFault('parse_error', 'malformed XML: document type and entity declarations are not accepted'));
  }
  return new Promise((resolve, reject) => {
    new Deserializer('utf8').deserializeMethodCall(Readable.from([text]), (error, method, params) => {
      if (!error) {
        resolve({ method: method!, params: params ?? [] });
      } else if (/not a method call|did not contain a method name/i.test(error.message)) {
        reject(new RpcFault('invalid_request', 'not an XML-RPC method call: send <methodCall> with a <methodName>'));
      } else {
        reject(new RpcFault('parse_error', `malformed XML: ${error.message.split('\n')[0]}`));
      }
    });
  });
}

export function encodeResult(value: unknown): string {
  return serializeMethodResponse(value);
}

export function encodeFault(code: number, message: string): string {
  return serializeFault({ faultCode: code, faultString: message });
}
