// Session state events of the promise client (connected, disconnected, expired, authFailed,
// closed, readOnly), with listeners that cannot break the client by throwing.

import type { SessionEvent } from '../core/session-types.js';

export type ClientEventName =
  'connected' | 'readOnly' | 'disconnected' | 'expired' | 'authFailed' | 'closed';

export type ClientEventListener = () => void;

/** The user-facing name of a core session event. */
export function clientEventOf(event: SessionEvent): ClientEventName {
  return event === 'connectedReadOnly' ? 'readOnly' : event;
}

export class ClientEvents {
  private readonly listeners = new Map<ClientEventName, Set<ClientEventListener>>();
  private readonly onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void) {
    this.onListenerError = onListenerError;
  }

  /** Adds a listener; the returned function removes it. */
  on(event: ClientEventName, listener: ClientEventListener): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  off(event: ClientEventName, listener: ClientEventListener): void {
    this.listeners.get(event)?.delete(listener);
  }

  emit(event: ClientEventName): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener();
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
