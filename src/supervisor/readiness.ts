import type { ChildProcessHandle } from './child-process.js';
import type { Probe } from './probes/probe.js';

interface ReadinessSettings {
  /** The whole start, from spawn to a probe answering. */
  readyTimeoutMs: number;
}

/** A failed probe is tried again this soon while a service starts: restarts are measured in milliseconds. */
const RETRY_MS = 20;
const ATTEMPT_MS = 500;

/**
 * Resolves once the process has said it is listening (over IPC) and then answered its probe:
 * a probe answered before that came from some other process on the same port. Rejects with the
 * reason when `readyTimeoutMs` passes first; stops quietly (never settles) once `signal` aborts,
 * which the caller does when the process exits or is stopped.
 */
export function awaitReady(
  process: ChildProcessHandle,
  probe: Promise<Probe>,
  settings: ReadinessSettings,
  signal: AbortSignal,
): Promise<void> {
  const deadline = performance.now() + settings.readyTimeoutMs;
  return new Promise<void>((resolve, reject) => {
    let lastError = 'it has not said it is listening';
    let retry: NodeJS.Timeout | undefined;
    const timeout = setTimeout(
      () => finish(new Error(`not healthy within ${settings.readyTimeoutMs} ms (${lastError})`)),
      settings.readyTimeoutMs,
    );
    const finish = (error?: Error): void => {
      clearTimeout(timeout);
      clearTimeout(retry);
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return;
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => finish();
    signal.addEventListener('abort', onAbort);
    const attempt = async (): Promise<void> => {
      try {
        await (await probe).check(Math.min(ATTEMPT_MS, Math.max(1, deadline - performance.now())));
        finish();
      } catch (error) {
        lastError = (error as Error).message;
        if (!signal.aborted) retry = setTimeout(() => void attempt(), RETRY_MS);
      }
    };
    void process.listening.then(() => {
      if (!signal.aborted) void attempt();
    });
  });
}
