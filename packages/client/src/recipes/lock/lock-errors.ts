// The errors the lock recipes add to ZooError: an acquire that ran out of time, and the reason
// a held lock was lost (the AbortSignal of a held lock aborts with a LockLostError).

/** Why a held lock is no longer safe to act on. */
export type LockLossReason = 'suspended' | 'expired' | 'closed';

export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
  readonly path: string;
  readonly timeoutMs: number;

  constructor(path: string, timeoutMs: number) {
    super(`could not acquire ${path} within ${timeoutMs} ms`);
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}

export class LockLostError extends Error {
  override readonly name = 'LockLostError';
  readonly path: string;
  readonly reason: LockLossReason;

  constructor(path: string, reason: LockLossReason) {
    super(`lost ${path}: the session was ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}
