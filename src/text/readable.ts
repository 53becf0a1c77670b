/** Local wall-clock time, `HH:MM:SS.mmm`, or `HH:MM` when `precise` is false. */
export function clockTime(time: string | number | Date = Date.now(), precise = true): string {
  const date = new Date(time);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const minutes = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return precise ? `${minutes}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` : minutes;
}

/** A value in a `key=value` list: bare when unambiguous, JSON otherwise. */
export function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}
