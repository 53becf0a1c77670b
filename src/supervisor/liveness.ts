import type { Probe } from './probes/probe.js';

interface LivenessSettings {
  intervalMs: number;
  /** Probe intervals in a row without an answer that mean the service is hung. */
  failures: number;
}

/**
 * Probes a healthy service every `intervalMs`, and calls `onHung` once `failures` intervals in a row
 * have passed without an answer: each interval a probe failed in, or was still waiting through (a
 * stopped or hung process still accepts connections, so only a real answer counts). A probe may
 * take that long: a service that answers late is busy, not hung. An overloaded hub answers its pings
 * seconds late, and killing it for that would drop every one of its clients at the worst moment.
 * Returns the function that stops watching.
 */
export function watchLiveness(probe: Promise<Probe>, settings: LivenessSettings, onHung: (failures: number) => void): () => void {
  let missed = 0;
  let probing = false;
  /** The probe in flight has already been counted once, for an interval it waited through. */
  let counted = false;
  let watching = true;
  const miss = (): void => {
    if (!watching || ++missed < settings.failures) return;
    stop();
    onHung(missed);
  };
  const timer = setInterval(() => {
    if (probing) {
      counted = true;
      return miss();
    }
    probing = true;
    counted = false;
    void probe
      .then((p) => p.check((settings.failures + 1) * settings.intervalMs))
      .then(
        () => {
          missed = 0;
        },
        // One interval is one miss: a probe that waited through an interval and then failed is not two.
        () => {
          if (!counted) miss();
        },
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
