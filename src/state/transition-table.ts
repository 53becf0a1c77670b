/** The states each state may move to: a lifecycle, written down in one place. */
export type TransitionTable<S extends string> = { readonly [From in S]: readonly S[] };

/**
 * The state after `from → to`, if the table allows that move. Any other move is a bug in the code
 * driving the lifecycle, not something a peer can cause, so it throws rather than carry on in a
 * state nobody planned for.
 */
export function checkedTransition<S extends string>(table: TransitionTable<S>, from: S, to: S, who: string): S {
  if (!table[from].includes(to)) throw new Error(`${who}: ${from} → ${to} is not a transition`);
  return to;
}
