import type { Probe } from './probes/probe.js';

interface LivenessSettings {
  intervalMs: number;
  /** Probe intervals in a row without an answer that mean the service is hung. */
  failures: number;
}

/**
 * Probes a healthy service every `intervalMs`, and calls `onHung` once it has answered no probe
 * for `failures` intervals (a stopped or hung process still accepts connections, so only a real
 * answer counts). A probe may take as long as that: a service that answers late is busy, not hung.
 * An overloaded hub answers its pings seconds late, and killing it for that would drop every one of
 * its clients at the worst moment. Returns the function that stops watching.
 */
export function watchLiveness(probe: Promise<Probe>, settings: LivenessSettings, onHung: (failures: number) => void): () => void {
  const silenceMs = settings.failures * settings.intervalMs;
  let lastAnswer = performance.now();
  let probing = false;
  let watching = true;
  const timer = setInterval(() => {
    if (performance.now() - lastAnswer >= silenceMs) {
      stop();
      onHung(settings.failures);
      return;
    }
    if (probing) return;
    probing = true;
    void probe
      .then((p) => p.check(silenceMs))
      .then(
        () => {
          if (watching) lastAnswer = performance.now();
        },
        // A failed probe is no answer: the silence goes on.
        () => undefined,
      )
      .finally(() => {
        probing = false;
      });
  }, settings.intervalMs);
  const stop = (): void => {
    watching = false;
    clearInterval(timer);
  };
  return stop;
}
