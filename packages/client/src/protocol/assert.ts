// Assertions that stay on in production. A failed assertion is a bug in Zoo, never a user error:
// it raises AssertionError, which crashes the node (and fails a simulator run with its seed).

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new AssertionError(typeof message === 'function' ? message() : message);
  }
}

/** Exhaustiveness check for discriminated unions: reaching it is a bug. */
export function assertNever(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value, bigintReplacer)}`);
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
