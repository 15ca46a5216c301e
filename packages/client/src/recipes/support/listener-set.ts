// The listeners of a recipe's change events: added with a function that removes them, called in
// the order added, each on its own copy of the set (a listener may remove itself while called).

export class ListenerSet<Args extends unknown[]> {
  private readonly listeners = new Set<(...args: Args) => void>();

  /** Adds `listener`; returns a function that removes it. */
  add(listener: (...args: Args) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(...args: Args): void {
    for (const listener of [...this.listeners]) listener(...args);
  }

  clear(): void {
    this.listeners.clear();
  }
}
