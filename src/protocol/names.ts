/** Room and user names: 1–32 letters, digits, `_`, `-`, `.`; unique regardless of case. */
export const NAME_MAX_LENGTH = 32;
const NAME_PATTERN = new RegExp(`^[A-Za-z0-9_.-]{1,${NAME_MAX_LENGTH}}$`);
export const NAME_RULE = '1 to 32 letters, digits, "_", "-" or "."';

export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && NAME_PATTERN.test(value);
}

/** The key under which a name is unique: `Study-Group` and `study-group` are the same room. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}
