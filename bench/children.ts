import { type ChildProcess, spawn } from 'node:child_process';
import { serviceEntry } from '../src/stack/entry-points.js';

/**
 * Starts a process for a benchmark and resolves once a line of its stdout matches `ready`. Our
 * services get an IPC channel: if the benchmark dies, the channel closes and they exit with it.
 */
/** Starts our service `name` (its bundled entry, as the supervisor runs it) with `args`, resolving once it logs that it is ready. */
export function startService(
  name: 'broker' | 'rooms' | 'hub' | 'irc' | 'web',
  args: string[],
  env: Record<string, string>,
): Promise<ChildProcess> {
  return startUntil(process.execPath, [serviceEntry(name), ...args], env, (line) => line.includes('"ready":true'));
}

export function startUntil(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: (line: string) => boolean,
  timeoutMs = 15_000,
): Promise<ChildProcess> {
  const ipc = command === process.execPath;
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? (['ipc'] as const) : [])],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0] ?? command} did not become ready in time`));
    }, timeoutMs);
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      if (lines.some(ready)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args[0] ?? command} exited with ${code} before it was ready`)));
  });
}

export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
