/**
 * Runtime guards that double as type definitions: a wire shape is written once, as guards, and its
 * TypeScript type is inferred from them (`Infer`), so the check a consumer runs on untrusted input
 * and the type a producer builds against can never disagree. Used for events (src/events), hub
 * frames (frames.ts) and the room service's answers (rooms-api.ts).
 *
 * An object guard accepts members it does not know: a newer producer may add fields (a signature,
 * an instance id) without older consumers refusing its messages.
 */
type Guard<T> = (value: unknown) => value is T;

/** A member that may be absent; `object` makes its key optional in the inferred type. */
type OptionalGuard<T> = Guard<T | undefined> & { readonly optional: true };

export type Infer<G> = G extends Guard<infer T> ? T : never;

export type Fields = Readonly<Record<string, Guard<unknown>>>;

type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends { readonly optional: true } ? K : never }[keyof F];

/** Spells an intersection out as one object type, so hovers and errors read plainly. */
type Flat<T> = { [K in keyof T]: T[K] } & {};

export type FromFields<F extends Fields> = Flat<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Exclude<Infer<F[K]>, undefined> }
>;

export const isString: Guard<string> = (value): value is string => typeof value === 'string';
export const isBoolean: Guard<boolean> = (value): value is boolean => typeof value === 'boolean';
export const isNumber: Guard<number> = (value): value is number => typeof value === 'number' && Number.isFinite(value);
export const isInteger: Guard<number> = (value): value is number => Number.isSafeInteger(value);
/** A whole number from 0 up: counts, sequence numbers, durations, instants in ms. */
export const isCount: Guard<number> = (value): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
/** An ISO 8601 instant, as `Date.prototype.toISOString` writes it. */
export const isInstant: Guard<string> = (value): value is string =>
  typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) && Number.isFinite(Date.parse(value));

/** Any value at all: for a member whose content the receiver passes on without reading. */
export const isAnything: Guard<unknown> = (_value): _value is unknown => true;

export function oneOf<const V extends readonly (string | number | boolean)[]>(values: V): Guard<V[number]> {
  const allowed = new Set<unknown>(values);
  return (value): value is V[number] => allowed.has(value);
}

export function nullable<T>(guard: Guard<T>): Guard<T | null> {
  return (value): value is T | null => value === null || guard(value);
}

export function optional<T>(guard: Guard<T>): OptionalGuard<T> {
  return Object.assign((value: unknown): value is T | undefined => value === undefined || guard(value), { optional: true as const });
}

export function either<A, B>(first: Guard<A>, second: Guard<B>): Guard<A | B> {
  return (value): value is A | B => first(value) || second(value);
}

export function arrayOf<T>(guard: Guard<T>): Guard<T[]> {
  return (value): value is T[] => Array.isArray(value) && value.every((item) => guard(item));
}

/** An object with exactly these keys, each holding a value the guard accepts (e.g. counts by reason). */
export function recordOf<const K extends readonly string[], T>(keys: K, guard: Guard<T>): Guard<Record<K[number], T>> {
  return (value): value is Record<K[number], T> =>
    isPlainObject(value) && keys.every((key) => guard(value[key])) && Object.keys(value).length === keys.length;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object whose members pass their guards; members not named are allowed and ignored. */
export function object<const F extends Fields>(fields: F): Guard<FromFields<F>> {
  const entries = Object.entries(fields);
  return (value): value is FromFields<F> => isPlainObject(value) && entries.every(([key, guard]) => guard(value[key]));
}

/** One member per tag: `{type: T, ...fields of T}` for each entry of the schema table. */
export type Tagged<S extends Readonly<Record<string, Fields>>> = {
  [T in keyof S & string]: Flat<{ type: T } & FromFields<S[T]>>;
}[keyof S & string];

/**
 * A union of object shapes told apart by their `type`, from a table of each type's fields: the
 * table is the one definition, so no list of types can drift from it.
 */
export function taggedUnion<const S extends Readonly<Record<string, Fields>>>(
  schemas: S,
): { types: (keyof S & string)[]; knows(type: unknown): type is keyof S & string; check: Guard<Tagged<S>> } {
  const guards = new Map(Object.entries(schemas).map(([type, fields]) => [type, object(fields)]));
  const knows = (type: unknown): type is keyof S & string => typeof type === 'string' && guards.has(type);
  return {
    types: [...guards.keys()],
    knows,
    check: (value): value is Tagged<S> => isPlainObject(value) && knows(value.type) && guards.get(value.type)!(value),
  };
}
