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
