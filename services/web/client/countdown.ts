/** "2d 03h", "1h 02m 03s", "42s": how long until a temporary room closes. */
export function remaining(ms: number): string {
  if (ms <= 0) return 'closing now';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(hours)}h`;
  if (hours > 0) return `${hours}h ${pad(m)}m ${pad(sec)}s`;
  if (m > 0) return `${m}m ${pad(sec)}s`;
  return `${sec}s`;
}
