/**
 * Parsers for configuration values. Each one throws a ConfigError that names the flag and its
 * environment variable, so a bad value is rejected at start with a sentence that says how to fix it.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly userFacing = true;
}

/** `hub-port` → `THISCORD_HUB_PORT`: the environment variable that sets a flag. */
export function envNameOf(flag: string): string {
  return `THISCORD_${flag.replace(/-/g, '_').toUpperCase()}`;
}

function reject(flag: string, expected: string, value: unknown): never {
  throw new ConfigError(`--${flag} (or ${envNameOf(flag)}) must be ${expected}; got ${JSON.stringify(value)}`);
}

export function parseInteger(flag: string, value: unknown, min: number, max: number): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d+$/.test(text)) reject(flag, `a whole number from ${min} to ${max}`, value);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) reject(flag, `a whole number from ${min} to ${max}`, value);
  return n;
}

export function parsePort(flag: string, value: unknown): number {
  return parseInteger(flag, value, 1, 65535);
}

export function parseChoice<T extends string>(flag: string, value: unknown, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  return reject(flag, `one of ${choices.join(', ')}`, value);
}

export function parseHost(flag: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || /\s/.test(value.trim())) {
    reject(flag, 'a host name or IP address', value);
  }
  return value.trim();
}

export function parsePathValue(flag: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') reject(flag, 'a directory path', value);
  return value.trim();
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1500` (ms), `250ms`, `10s`, `5m`, `12h`, `7d` → milliseconds. */
export function parseDurationMs(flag: string, value: unknown, minMs = 0): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
  if (!match) reject(flag, 'a duration such as 500ms, 10s, 5m, 12h or 7d', value);
  const ms = Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']!);
  if (ms < minMs) reject(flag, `a duration of at least ${minMs} ms`, value);
  return ms;
}
