import type { Probe } from './probes/probe.js';

interface LivenessSettings {
  intervalMs: number;
  /** Failed probes in a row that mean the service is hung. */
  failures: number;
}

/**
 * Probes a healthy service every `intervalMs`; after `failures` failures in a row calls `onHung`
 * once (a stopped or hung process still accepts connections, so only a real answer counts).
 * Returns the function that stops watching.
 */
export function watchLiveness(probe: Promise<Probe>, settings: LivenessSettings, onHung: (failures: number) => void): () => void {
  let failures = 0;
  let watching = true;
  const timer = setInterval(() => {
    void probe
      .then((p) => p.check(Math.min(1000, settings.intervalMs)))
      .then(
        () => {
          failures = 0;
        },
        () => {
          if (!watching) return;
          failures++;
          if (failures < settings.failures) return;
          stop();
          onHung(failures);
        },
      );
  }, settings.intervalMs);
  const stop = (): void => {
    watching = false;
    clearInterval(timer);
  };
  return stop;
}
