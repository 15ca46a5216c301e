// CreateRequest.flags decoded, the sequential suffix, and how ZooKeeper re-reads a create inside
// a multi (MultiOperationRecord.deserialize + Op.create pick the opcode from the flags).

import type { CreateRequest, CreateVariant } from '@zoo/client/protocol';

export interface CreateModeInfo {
  isEphemeral: boolean;
  isSequential: boolean;
  isContainer: boolean;
  isTtl: boolean;
}

/** The mode of each valid flag value, made once: a create looks its mode up, allocating nothing. */
const modes: readonly Readonly<CreateModeInfo>[] = Array.from({ length: 7 }, (_, flags) =>
  Object.freeze({
    isEphemeral: flags === 1 || flags === 3,
    isSequential: flags === 2 || flags === 3 || flags === 6,
    isContainer: flags === 4,
    isTtl: flags === 5 || flags === 6,
  }),
);

/** ZooKeeper: CreateMode.fromFlag — flags 0…6, anything else is not a mode (null). */
export function createModeOf(flags: number): Readonly<CreateModeInfo> | null {
  if (!Number.isInteger(flags) || flags < 0 || flags > 6) return null;
  return modes[flags] ?? null;
}

/** Zeros that pad n digits to ten: '0' × (10 − n), so a suffix is one concatenation. */
const zerosBefore = Array.from({ length: 11 }, (_, digits) => '0'.repeat(10 - digits));

/** ZooKeeper: String.format("%010d", counter) — ten digits, a minus sign counting toward them. */
export function sequenceSuffix(counter: number): string {
  if (counter < 0) return `-${String(-counter).padStart(9, '0')}`;
  const digits = String(counter);
  return (zerosBefore[digits.length] ?? '') + digits;
}

/** A create as ZooKeeper sees it inside a multi; 'malformed' fails the whole multi with −5. */
export type MultiCreate = { variant: CreateVariant; flags: number; ttl: bigint } | 'malformed';

/**
 * ZooKeeper 3.8 MultiOperationRecord.deserialize + Op.create: header types 1/15/19 with a bad
 * flag, or with a TTL flag (CreateOptions rejects its ttl −1), make the whole request unreadable
 * (MarshallingError); the container flag turns any of them into createContainer (19), and header
 * 19 stays a container whatever the flags. Header 21 with non-TTL flags becomes a plain op-1
 * create (19 for the container flag) with ttl −1 and keeps its flags, so a bad one fails later
 * with BadArguments. (3.8.0 answered a bad flag per op, BadArguments; Zoo follows 3.8.6.)
 */
export function multiCreateOf(op: CreateRequest): MultiCreate {
  const mode = createModeOf(op.flags);
  if (op.variant === 'createTTL') {
    if (mode?.isTtl === true) return { variant: 'createTTL', flags: op.flags, ttl: op.ttl };
    const variant = mode?.isContainer === true ? 'createContainer' : 'create';
    return { variant, flags: op.flags, ttl: -1n };
  }
  if (mode === null || mode.isTtl) return 'malformed';
  if (mode.isContainer || op.variant === 'createContainer') {
    return { variant: 'createContainer', flags: op.flags, ttl: -1n };
  }
  return { variant: op.variant, flags: op.flags, ttl: -1n };
}
