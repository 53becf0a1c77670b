import net from 'node:net';

/**
 * Ports for a test or benchmark stack, never the defaults. They are taken below Linux's ephemeral
 * range (32768 and up), so an outgoing connection elsewhere cannot grab one between this check and
 * the service's bind; each vitest worker draws from its own block, and a port is handed out once
 * per process. THISCORD_TEST_PORT_BASE moves the whole range, so two checkouts can run their
 * suites side by side without racing for the same ports.
 */
const BLOCK = 700;
const WORKERS = 4;
const FIRST = portBase(process.env.THISCORD_TEST_PORT_BASE);
const handedOut = new Set<number>();

function portBase(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 10_000;
  const base = Number(raw);
  if (!Number.isInteger(base) || base < 1024 || base + WORKERS * BLOCK > 32_768) {
    throw new Error(`THISCORD_TEST_PORT_BASE must be a whole number from 1024 to ${32_768 - WORKERS * BLOCK}, got ${raw}`);
  }
  return base;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePorts(count: number): Promise<number[]> {
  const worker = Number(process.env.VITEST_POOL_ID ?? 0) % WORKERS;
  const base = FIRST + worker * BLOCK;
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count; attempt++) {
    if (attempt > 10 * BLOCK) throw new Error(`no free port left in ${base}–${base + BLOCK - 1}`);
    const port = base + Math.floor(Math.random() * BLOCK);
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    ports.push(port);
  }
  return ports;
}
