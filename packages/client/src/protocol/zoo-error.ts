// The error the client throws for a ZooKeeper result code other than Ok, carrying the code
// (exactly ZooKeeper's) and the path of the operation.

import { errorCodeName } from './error-code.js';

export class ZooError extends Error {
  override readonly name = 'ZooError';
  readonly code: number;
  readonly path: string | undefined;

  constructor(code: number, path?: string, options?: { cause?: unknown }) {
    super(`${errorCodeName(code)} (${code})${path === undefined ? '' : ` for ${path}`}`, options);
    this.code = code;
    this.path = path;
  }

  /** The Java-style name of the code, e.g. `NoNode`. */
  get codeName(): string {
    return errorCodeName(this.code);
  }
}

/**
 * A ZooError for a code a server's reply carried, built without capturing a stack: it is
 * created while the reply is decoded, so its stack would show only the client's own reply
 * handling (never the caller's code), and capturing it cost more than the rest of that handling.
 */
export function replyError(code: number, path?: string): ZooError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ZooError(code, path);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
