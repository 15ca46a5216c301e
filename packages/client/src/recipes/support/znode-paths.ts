// Path helpers for the recipes: joining a child name onto a parent, the sequence number of a
// sequential node's name, and creating a recipe's parent nodes on first use.

import { ErrorCode } from '../../protocol/index.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { RetryLater, retryIfTransient } from './retry.js';
import { hasCode } from './zoo-error-kinds.js';

/** `parent/name`, with no double slash under the root. */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** Every proper ancestor of `path` below the root, outermost first: /a/b/c → [/a, /a/b]. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/').filter((part) => part.length > 0);
  return parts.slice(0, -1).map((_, index) => `/${parts.slice(0, index + 1).join('/')}`);
}

/**
 * Creates `path` and any missing ancestor as empty persistent nodes; a node that already exists
 * is fine. Each create is idempotent in effect, so a lost reply needs no check: the caller's
 * retry just finds the node there (NodeExists).
 */
export async function ensurePath(client: ZooClient, path: string): Promise<void> {
  for (const node of [...ancestorsOf(path), path]) {
    try {
      await client.create(node, null);
    } catch (error) {
      if (!hasCode(error, ErrorCode.NodeExists)) throw error;
    }
  }
}

/**
 * A create met NoNode: creates `path` (the missing parent) and asks for the create to be tried
 * again; a transient failure here just makes that retry come sooner.
 */
export async function createParentThenRetry(
  client: ZooClient,
  path: string,
  cause: unknown,
): Promise<RetryLater> {
  try {
    await ensurePath(client, path);
  } catch (error) {
    retryIfTransient(error);
  }
  return new RetryLater(cause);
}

/** The parent of a path below the root. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/**
 * The sequence number ZooKeeper appended to a sequential node's name: the last ten characters,
 * `%010d` of the parent's cversion (ZooKeeper: PrepRequestProcessor). A cversion that has
 * wrapped past 2^31 − 1 prints negative (`-2147483648`, eleven characters), so a name whose
 * suffix holds a minus sign yields a negative number.
 */
export function sequenceOf(name: string, prefix: string): number {
  const suffix = name.slice(prefix.length);
  if (!name.startsWith(prefix) || !/^-?\d{10}$/.test(suffix)) {
    throw new RangeError(`${name} is not a sequential node named ${prefix}<sequence>`);
  }
  return Number(suffix);
}
