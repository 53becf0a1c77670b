/**
 * The XML-RPC interoperability fault codes (the "specification for fault code interoperability"
 * every mainstream XML-RPC library follows), shared by every XML-RPC endpoint of the stack. Each
 * endpoint adds its own positive codes beside them.
 */
export const XML_RPC_FAULTS = {
  parse_error: -32700,
  invalid_request: -32600,
  method_not_found: -32601,
  invalid_params: -32602,
  internal_error: -32603,
} as const;

/** A fault the caller is meant to read: `faultString` is one plain sentence. */
export class XmlRpcFault extends Error {
  override name = 'XmlRpcFault';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
