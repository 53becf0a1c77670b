import { isValidName, NAME_RULE } from '../../src/protocol/names.js';
import { RpcFault } from './faults.js';

/** Reads a call's parameters by position; every wrong one is a -32602 fault saying which and why. */
export class ParamReader {
  constructor(
    private readonly method: string,
    private readonly values: unknown[],
  ) {}

  private fail(index: number, label: string, rule: string): never {
    throw new RpcFault('invalid_params', `${this.method}: parameter ${index + 1} (${label}) ${rule}`);
  }

  has(index: number): boolean {
    return index < this.values.length;
  }

  isString(index: number): boolean {
    return typeof this.values[index] === 'string';
  }

  name(index: number, label: string): string {
    const value = this.values[index];
    if (!isValidName(value)) this.fail(index, label, `must be ${NAME_RULE}; got ${describe(value)}`);
    return value;
  }

  string(index: number, label: string, maxLength: number): string {
    const value = this.values[index];
    if (typeof value !== 'string') this.fail(index, label, `must be a string; got ${describe(value)}`);
    if (value.length > maxLength) this.fail(index, label, `must be at most ${maxLength} characters`);
    return value;
  }

  struct(index: number, label: string): Record<string, unknown> {
    const value = this.values[index];
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value) || value instanceof Date) {
      this.fail(index, label, `must be a struct; got ${describe(value)}`);
    }
    return value as Record<string, unknown>;
  }

  array(index: number, label: string): unknown[] {
    const value = this.values[index];
    if (!Array.isArray(value)) this.fail(index, label, `must be an array; got ${describe(value)}`);
    return value;
  }

  /** A member of a struct parameter, checked by type. */
  member<T extends 'string' | 'boolean' | 'int'>(
    index: number,
    label: string,
    struct: Record<string, unknown>,
    key: string,
    type: T,
    limit: number,
  ): (T extends 'string' ? string : T extends 'boolean' ? boolean : number) | undefined {
    if (!Object.hasOwn(struct, key)) return undefined;
    const value = struct[key];
    const ok =
      type === 'int'
        ? Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= limit
        : type === 'string'
          ? typeof value === 'string' && value.length <= limit
          : typeof value === 'boolean';
    if (!ok) {
      const rule =
        type === 'int' ? `a whole number from 1 to ${limit}` : type === 'string' ? `a string of at most ${limit} characters` : 'a boolean';
      this.fail(index, label, `member "${key}" must be ${rule}; got ${describe(value)}`);
    }
    return value as never;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'base64 data';
  if (value instanceof Date) return 'a dateTime';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'object') return 'a struct';
  return `${typeof value} ${String(value)}`;
}
