import { execa } from 'execa';
import { LineSplitter } from '../protocol/line-splitter.js';
import {
  SERVICE_LISTENING,
  SERVICE_STOP,
  type ServiceMessage,
  type StopReason,
  type SupervisorMessage,
  serviceMessage,
} from '../runtime/handshake.js';
import type { ChildSpec } from './child-spec.js';

/** How a process ended: an exit code, or the signal that ended it. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
}

/** One running process of a service, as the state driver sees it (a fake stands in for it in unit tests). */
export interface ChildProcessHandle {
  readonly pid: number;
  /** Resolves when the process reports over IPC that its sockets are bound; never rejects. */
  readonly listening: Promise<void>;
  /** Resolves once the process has exited; never rejects. */
  readonly exit: Promise<ChildExit>;
  /**
   * SIGTERM — or, with a reason, the same request over IPC, so the service can tell its clients
   * why — then SIGKILL once the spec's stop grace has passed.
   */
  terminate(reason?: StopReason): void;
  /** SIGKILL at once. */
  killNow(): void;
  /** Sends a message over the IPC channel; false when it is closed. */
  send(message: SupervisorMessage): boolean;
}

interface ChildListeners {
  line(line: string, stream: 'stdout' | 'stderr'): void;
  /** Any message the service sends but `listening` (its figures). */
  message(message: ServiceMessage): void;
}
/** Listening sockets passed down (held-sockets.ts): descriptors for stdio slots 3, 4, … and the variable naming them. */
export interface Inheritance {
  stdio: readonly number[];
  env: Record<string, string>;
}
export type Launcher = (spec: ChildSpec, listeners: ChildListeners, inherited: Inheritance) => ChildProcessHandle;

/** Longest log line passed on whole; a longer one (a service gone wrong) is passed on in pieces. */
const MAX_LINE_BYTES = 64 * 1024;

/** Runs the service's entry with this Node, hands every output line to `onLine`, and knows how to stop it. */
export const launchChild: Launcher = (spec, listeners, inherited) => {
  const child = execa(process.execPath, [spec.entry], {
    env: { ...spec.env, ...inherited.env },
    extendEnv: true,
    // The IPC channel is the lifeline: if the supervisor dies, even by SIGKILL, it disconnects and the service exits.
    ipc: true,
    serialization: 'json',
    // execa's types take only descriptors 3 to 9 here (those a parent usually has open); any open one works.
    stdio: ['ignore', 'pipe', 'pipe', ...(inherited.stdio as readonly 3[])],
    buffer: false,
    reject: false,
    // Its own process group: a Ctrl-C on the terminal reaches only the supervisor, which then stops services in order.
    // (So execa's `cleanup` would do nothing; the IPC channel does that job.)
    detached: true,
    // The stop escalation: terminate() sends SIGTERM and execa sends SIGKILL after the grace. Its own default (5 s)
    // would otherwise cut any longer --stop-grace short.
    forceKillAfterDelay: spec.stopGraceMs,
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    const splitter = new LineSplitter(MAX_LINE_BYTES, { overlong: 'cut' });
    const deliver = (line: Buffer): void => {
      if (line.length > 0) listeners.line(line.toString('utf8'), stream);
    };
    child[stream]?.on('data', (chunk: Buffer) => splitter.push(chunk, deliver));
    child[stream]?.on('end', () => splitter.end(deliver));
  }
  const listening = new Promise<void>((resolve) => {
    child.on('message', (raw: unknown) => {
      const message = serviceMessage(raw);
      if (message?.type === SERVICE_LISTENING) resolve();
      else if (message) listeners.message(message);
    });
  });
  let forceKill: NodeJS.Timeout | undefined;
  const exit = child.then((result) => {
    clearTimeout(forceKill);
    return { code: result.exitCode ?? null, signal: result.signal ?? null };
  });
  const send = (message: SupervisorMessage): boolean => {
    if (!child.connected) return false;
    child.sendMessage(message).catch(() => undefined);
    return true;
  };
  return {
    // execa gives no pid only when the spawn itself failed, and then `exit` resolves at once.
    pid: child.pid ?? 0,
    listening,
    exit,
    terminate: (reason) => {
      if (reason === undefined || !send({ type: SERVICE_STOP, reason })) return void child.kill('SIGTERM');
      // execa arms its SIGKILL only on a kill(); a stop asked over IPC gets the same grace from here.
      forceKill = setTimeout(() => child.kill('SIGKILL'), spec.stopGraceMs);
    },
    killNow: () => void child.kill('SIGKILL'),
    send,
  };
};
