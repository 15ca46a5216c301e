// The ID generators' own failures, each a class a caller can catch by type. None of them is
// ever resolved by issuing an ID that might repeat one already issued.

/** The generator's number space is used up (a wrapped sequence, a timestamp past its bits). */
export class IdSpaceExhaustedError extends Error {
  override readonly name = 'IdSpaceExhaustedError';
}

/**
 * The wall clock is behind the last timestamp this worker id may have used — this process's
 * own last ID, or the reservation of the worker id's previous holder — by more than the
 * generator is allowed to wait.
 */
export class ClockMovedBackwardsError extends Error {
  override readonly name = 'ClockMovedBackwardsError';
  readonly behindMs: number;

  constructor(message: string, behindMs: number) {
    super(message);
    this.behindMs = behindMs;
  }
}

/**
 * The generator holds no worker id: never leased, released, or lost (its session ended, its
 * lease node was deleted, or another client took the worker id over). No ID is issued until
 * `lease()` succeeds again.
 */
export class WorkerLeaseLostError extends Error {
  override readonly name = 'WorkerLeaseLostError';
}

/** Every worker id in the configured range is leased by a live session. */
export class NoFreeWorkerIdError extends Error {
  override readonly name = 'NoFreeWorkerIdError';
}
