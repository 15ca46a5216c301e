// One acquire's end conditions in one place: its timeout (on the injected timers) and the
// caller's AbortSignal. Waits are raced against it; client calls in flight are not, so that a
// node created by a late reply is always known, and cleaned up, by the code that asked for it.

import type { RecipeEnv } from '../support/recipe-env.js';
import { LockTimeoutError } from './lock-errors.js';

export interface AcquireOptions {
  /** Give up after this long (the node is removed first); wait as long as it takes if absent. */
  timeoutMs?: number;
  /** Give up when this aborts, rejecting with its reason (the node is removed first). */
  signal?: AbortSignal;
}

export class Cancellation {
  private reason: unknown = null;
  private readonly listeners = new Set<(reason: unknown) => void>();
  private readonly disposers: Array<() => void> = [];

  constructor(env: RecipeEnv, path: string, options: AcquireOptions = {}) {
    const { timeoutMs, signal } = options;
    if (signal?.aborted === true) this.cancel(signal.reason);
    else if (signal !== undefined) {
      const onAbort = (): void => this.cancel(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.disposers.push(() => signal.removeEventListener('abort', onAbort));
    }
    if (timeoutMs !== undefined && this.reason === null) {
      // Built when the time runs out, not per acquire: most acquires finish in time, and an
      // Error's stack capture was about 1% of a simulator run.
      const expire = (): void => this.cancel(new LockTimeoutError(path, timeoutMs));
      const handle = env.timers.setTimeout(expire, Math.max(0, timeoutMs));
      this.disposers.push(() => env.timers.clearTimeout(handle));
    }
  }

  get isCancelled(): boolean {
    return this.reason !== null;
  }

  throwIfCancelled(): void {
    if (this.reason !== null) throw this.reason;
  }

  /** Settles as `promise` does, or rejects with the cancellation's reason if that comes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.reason !== null) {
      promise.catch(() => undefined);
      return Promise.reject(this.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onCancel = (reason: unknown): void => reject(reason);
      this.listeners.add(onCancel);
      promise.then(resolve, reject).finally(() => this.listeners.delete(onCancel));
    });
  }

  /** Stops the timer and forgets the signal; call once the acquire has settled. */
  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.listeners.clear();
  }

  private cancel(reason: unknown): void {
    if (this.reason !== null) return;
    this.reason = reason ?? new Error('aborted');
    for (const listener of [...this.listeners]) listener(this.reason);
  }
}
