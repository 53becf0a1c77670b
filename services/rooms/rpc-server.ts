import type http from 'node:http';
import type { Logger } from '../../src/logging/logger.js';
import { createXmlRpcServer, type XmlRpcServerSettings } from '../../src/protocol/xml-rpc/http-server.js';
import { asFault, invoke, type roomMethods } from './methods.js';

/** The room service's XML-RPC endpoint: its method table behind the shared XML-RPC server. */
export function createRpcServer(methods: ReturnType<typeof roomMethods>, settings: XmlRpcServerSettings, logger: Logger): http.Server {
  return createXmlRpcServer(
    {
      call: (call, clientAddress) => invoke(methods, call.method, call.params, { clientAddress, logger }),
      toFault: (error, method) => asFault(error, logger, method),
    },
    settings,
    logger,
  );
}
