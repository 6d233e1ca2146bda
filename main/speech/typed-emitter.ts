// A tiny event emitter typed by an events map. A listener that throws must not break the
// emitter's owner (a throw inside a socket callback would become an uncaught exception), so
// listener errors are reported and the remaining listeners still run.

export class TypedEmitter<Events extends { [E in keyof Events]: (...args: never[]) => void }> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  on<E extends keyof Events>(event: E, listener: Events[E]): this {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`A "${String(event)}" listener failed:`, error);
      }
    }
  }
}
