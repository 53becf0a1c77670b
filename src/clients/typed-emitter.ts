type Listener = (...args: unknown[]) => void;

/**
 * A typed event emitter that runs in Node and in a browser alike (node:events does not exist in a
 * browser), for client code both share. Listeners run in the order they were added.
 */
export class TypedEmitter<Events extends Record<keyof Events, unknown[]>> {
  private readonly listeners = new Map<keyof Events, Listener[]>();

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as unknown as Listener]);
    return this;
  }

  /** Forgets every listener (a gateway dropping a user's session does, so nothing fires after). */
  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}
