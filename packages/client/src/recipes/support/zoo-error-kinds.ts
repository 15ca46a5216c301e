// How a recipe reads a failed call: whether the write may have been applied (its reply was lost)
// or certainly was not, and which ZooKeeper code it carries.

import { ErrorCode, ZooError } from '../../protocol/index.js';

/**
 * Codes after which a write may or may not have been applied: the request was sent and its
 * reply never came. ZooKeeper's recipes guide ("Recoverable errors and the GUID") asks the
 * caller to find out rather than assume either way.
 */
const outcomeUnknownCodes: ReadonlySet<number> = new Set([
  ErrorCode.ConnectionLoss,
  ErrorCode.OperationTimeout,
  ErrorCode.RequestTimeout,
]);

/** True when `error` is a ZooError with one of `codes`. */
export function hasCode(error: unknown, ...codes: number[]): error is ZooError {
  return error instanceof ZooError && codes.includes(error.code);
}

/** True when the failed call may still have been applied on the server. */
export function isOutcomeUnknown(error: unknown): error is ZooError {
  return error instanceof ZooError && outcomeUnknownCodes.has(error.code);
}

/** True when the call certainly did nothing and may be sent again as it is (throttled). */
export function isRefusedForNow(error: unknown): error is ZooError {
  return hasCode(error, ErrorCode.ThrottledOp);
}
