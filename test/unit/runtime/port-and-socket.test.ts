import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listenOn } from '../../../src/runtime/listen.js';
import { listenOnPortAndSocket } from '../../../src/runtime/port-and-socket.js';
import { freePort } from '../../helpers/ports.js';

const opened: net.Server[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function server(): net.Server {
  const made = net.createServer((socket) => socket.end());
  opened.push(made);
  return made;
}

/** A TCP and a local listener, as the hub and the IRC gateway each have. */
function portAndSocket() {
  const port = server();
  const socket = server();
  return {
    port,
    socket,
    listen: (host: string, at: number) => listenOn(port, { host, port: at }),
    listenLocal: (socketPath: string) => listenOn(socket, { path: socketPath }),
    stop: async () => {
      await Promise.all([port, socket].map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

async function where() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-listen-'));
  dirs.push(dir);
  return { service: 'hub', flag: 'hub-port', host: '127.0.0.1', port: await freePort(), socketPath: path.join(dir, 'run', 'hub.sock') };
}

describe('listenOnPortAndSocket', () => {
  it('opens the TCP port and then the local socket', async () => {
    const target = await where();
    const both = portAndSocket();
    await listenOnPortAndSocket(both, target);
    expect(both.port.listening && both.socket.listening).toBe(true);
  });

  it('names the flag to change when the port is taken, and opens no socket', async () => {
    const target = await where();
    await listenOn(server(), { host: target.host, port: target.port });
    const both = portAndSocket();
    await expect(listenOnPortAndSocket(both, target)).rejects.toThrow(
      `port ${target.port} is already in use (hub); pass --hub-port or stop the other process`,
    );
    expect(both.socket.listening).toBe(false);
  });

  it('closes the port again when another one already serves the socket', async () => {
    const target = await where();
    const first = portAndSocket();
    await listenOnPortAndSocket(first, { ...target, port: await freePort() });
    const second = portAndSocket();
    await expect(listenOnPortAndSocket(second, target)).rejects.toThrow(`another hub is already serving ${target.socketPath}`);
    expect(second.port.listening).toBe(false);
  });
});
