// The xmlrpc package's (de)serialisers, which its type definitions do not cover.
declare module 'xmlrpc/lib/deserializer.js' {
  import type { Readable } from 'node:stream';
  export default class Deserializer {
    constructor(encoding?: string);
    deserializeMethodCall(stream: Readable, callback: (error: Error | null, method?: string, params?: unknown[]) => void): void;
  }
}
declare module 'xmlrpc/lib/serializer.js' {
  export function serializeMethodResponse(value: unknown): string;
  export function serializeFault(fault: { faultCode: number; faultString: string }): string;
}
