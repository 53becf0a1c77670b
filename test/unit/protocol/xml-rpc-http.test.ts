import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging/logger.js';
import { XmlRpcFault } from '../../../src/protocol/xml-rpc/fault.js';
import { callXmlRpc } from '../../../src/protocol/xml-rpc/http-client.js';
import { createXmlRpcServer } from '../../../src/protocol/xml-rpc/http-server.js';

describe('XML-RPC over HTTP on a Unix socket', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-xmlrpc-'));
  const socketPath = path.join(dir, 'rpc.sock');
  let server: http.Server;

  beforeAll(async () => {
    server = createXmlRpcServer(
      {
        call: async ({ method, params }) => {
          if (method === 'echo') return params;
          if (method === 'slow') return new Promise((resolve) => setTimeout(() => resolve('late'), 2000));
          throw new XmlRpcFault(7, `no method ${method}`);
        },
        toFault: (error) => (error instanceof XmlRpcFault ? error : new XmlRpcFault(-32603, 'internal error')),
      },
      { maxBodyBytes: 4096, requestTimeoutMs: 5000 },
      createLogger({ service: 'rooms', level: 'silent', format: 'json' }),
    );
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a call with its value', async () => {
    expect(await callXmlRpc({ socketPath }, 'echo', ['hub', 3, { all: true }], 2000)).toEqual(['hub', 3, { all: true }]);
  });

  it("rejects with the server's fault", async () => {
    await expect(callXmlRpc({ socketPath }, 'nope', [], 2000)).rejects.toMatchObject({
      name: 'XmlRpcFault',
      code: 7,
      message: 'no method nope',
    });
  });

  it('rejects with the transport error code when nothing listens', async () => {
    await expect(callXmlRpc({ socketPath: path.join(dir, 'absent.sock') }, 'echo', [], 2000)).rejects.toMatchObject({
      name: 'XmlRpcTransportError',
      code: 'ENOENT',
    });
  });

  it('gives up at its deadline and closes the request', async () => {
    const before = await new Promise<number>((resolve) => server.getConnections((_error, count) => resolve(count)));
    await expect(callXmlRpc({ socketPath }, 'slow', [], 100)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    const closed = async (): Promise<boolean> =>
      (await new Promise<number>((resolve) => server.getConnections((_error, count) => resolve(count)))) <= before;
    for (let i = 0; i < 100 && !(await closed()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await closed()).toBe(true);
  });
});
