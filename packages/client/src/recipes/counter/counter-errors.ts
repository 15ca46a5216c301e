// The counter's own failures, each a class a caller can catch by type: data that is not a
// counter, and an update whose outcome could not be decided.

/** The node's data is not a counter this recipe can read. */
export class CounterFormatError extends Error {
  override readonly name = 'CounterFormatError';
  readonly path: string;

  constructor(path: string, reason: string) {
    super(`${path} does not hold a counter: ${reason}`);
    this.path = path;
  }
}

/**
 * An update's reply was lost and it could not be decided whether it applied: more updates than
 * the node's recent-update list holds landed before the check, or the session ended, or the
 * retry budget ran out while the check was still open. The update was applied once or not at
 * all — never twice — and `updateId` is the id it would be listed under.
 */
export class CounterOutcomeUnknownError extends Error {
  override readonly name = 'CounterOutcomeUnknownError';
  readonly path: string;
  readonly updateId: string;

  constructor(options: { path: string; updateId: string; reason: string; cause?: unknown }) {
    const message = `${options.path}: update ${options.updateId} may or may not have applied`;
    super(`${message} (${options.reason})`, { cause: options.cause });
    this.path = options.path;
    this.updateId = options.updateId;
  }
}
