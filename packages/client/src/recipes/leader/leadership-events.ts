// The listeners of a leader recipe: 'leader' when leadership is gained, 'notLeader' when it is
// lost, 'closed' once the participant has left, 'error' when it had to stop on an error. A
// throwing listener is reported through the recipe env's logger, never breaking the recipe.

import { Cancellation } from '../lock/cancellation.js';
import type { RecipeEnv } from '../support/recipe-env.js';

export type LeadershipEventName = 'leader' | 'notLeader' | 'closed' | 'error';

export class LeadershipEvents {
  private readonly listeners = new Map<LeadershipEventName, Set<(error?: unknown) => void>>();
  /** The error that stopped the participant, if one did. */
  lastError: unknown = null;

  constructor(private readonly env: RecipeEnv) {}

  on(event: LeadershipEventName, listener: (error?: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(event: LeadershipEventName, error?: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(error);
      } catch (thrown) {
        // A listener's own failure must not stop the election; keep it visible.
        this.env.log?.warn(`leadership listener for '${event}' threw`, thrown);
      }
    }
  }

  fail(error: unknown): void {
    this.lastError = error;
    this.emit('error', error);
  }

  /** Resolves once `isDone()` holds (checked now and on each `event`); rejects once closed. */
  until(
    isDone: () => boolean,
    event: LeadershipEventName,
    options: { timeoutMs?: number; signal?: AbortSignal; path: string },
  ): Promise<void> {
    if (isDone()) return Promise.resolve();
    const { path, ...limits } = options;
    const cancellation = new Cancellation(this.env, path, limits);
    const offs: Array<() => void> = [];
    const reached = new Promise<void>((resolve, reject) => {
      offs.push(this.on(event, () => isDone() && resolve()));
      offs.push(this.on('closed', () => reject(new Error(`${path}: the participant closed`))));
    });
    return cancellation.race(reached).finally(() => {
      for (const off of offs) off();
      cancellation.dispose();
    });
  }
}
