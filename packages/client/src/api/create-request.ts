// Turns the user's create arguments (data as Buffer or string, mode, ACL, TTL) into the wire
// CreateRequest with the opcode ZooKeeper's client would use for that mode.

import { CreateMode, ErrorCode, OPEN_ACL_UNSAFE, ZooError } from '../protocol/index.js';
import type { Acl, CreateModeValue, CreateRequest, CreateVariant } from '../protocol/index.js';

/** Znode data as the API accepts it: strings are UTF-8; null is ZooKeeper's null data. */
export type ZnodeData = Buffer | Uint8Array | string | null;

export interface CreateOptions {
  /** CreateMode value; persistent by default. */
  mode?: CreateModeValue;
  /** OPEN_ACL_UNSAFE by default. */
  acl?: readonly Acl[];
  /** Required for the TTL modes (1 … 2^40 − 1 ms), refused for the others. */
  ttlMs?: number | bigint;
}

/** ZooKeeper: EphemeralType.MAX_EXTENDED_SERVER_ID — the largest TTL the server accepts. */
export const ttlMsMax = 0xff_ffff_ffffn;

export function toData(data: ZnodeData | undefined): Buffer | null {
  if (data === undefined || data === null) return null;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function isTtlMode(mode: number): boolean {
  return mode === CreateMode.persistentWithTtl || mode === CreateMode.persistentSequentialWithTtl;
}

/**
 * The request for a create. ZooKeeper: ZooKeeper.create — containers go as createContainer,
 * TTL modes as createTTL, the rest as create (path only) or create2 (path and stat).
 */
export function createRequestOf(options: {
  path: string;
  data: ZnodeData | undefined;
  create: CreateOptions | undefined;
  withStat: boolean;
}): CreateRequest {
  const mode = options.create?.mode ?? CreateMode.persistent;
  const ttl = ttlOf(options.path, mode, options.create?.ttlMs);
  let variant: CreateVariant = options.withStat ? 'create2' : 'create';
  if (mode === CreateMode.container) variant = 'createContainer';
  if (isTtlMode(mode)) variant = 'createTTL';
  return {
    type: 'create',
    variant,
    path: options.path,
    data: toData(options.data),
    acl: [...(options.create?.acl ?? OPEN_ACL_UNSAFE)],
    flags: mode,
    ttl,
  };
}

/** ZooKeeper: EphemeralType.validateTTL — checked before sending, as the Java client does. */
function ttlOf(path: string, mode: number, ttlMs: number | bigint | undefined): bigint {
  if (!isTtlMode(mode)) {
    if (ttlMs !== undefined) throw new ZooError(ErrorCode.BadArguments, path);
    return -1n;
  }
  if (ttlMs === undefined) throw new ZooError(ErrorCode.BadArguments, path);
  if (typeof ttlMs === 'number' && !Number.isSafeInteger(ttlMs)) {
    throw new ZooError(ErrorCode.BadArguments, path);
  }
  const ttl = BigInt(ttlMs);
  if (ttl < 1n || ttl > ttlMsMax) throw new ZooError(ErrorCode.BadArguments, path);
  return ttl;
}
