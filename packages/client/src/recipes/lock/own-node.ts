// A contender's own node: created ephemeral-sequential under a protected, GUID-prefixed name;
// after a connection loss found again by listing the children (a create whose reply was lost
// may have happened), and trusted only if this session owns it; deleted on every way out.

import { CreateMode, ErrorCode, ZooError } from '../../protocol/index.js';
import type { ZnodeData } from '../../api/create-request.js';
import type { ZooClient } from '../../api/zoo-client.js';
import type { Cancellation } from './cancellation.js';
import { hasGuid, protectedName, randomGuid, sortContenders } from './protected-node.js';
import type { RecipeEnv } from '../support/recipe-env.js';
import { isNoNode, isRecoverable, recover, recoverableRetriesMax } from './recoverable.js';
import { retryRecoverable } from './recoverable.js';

export interface OwnNode {
  path: string;
  /** The child name, with the server's sequence suffix. */
  name: string;
  guid: string;
  /** The creating transaction's zxid: the fencing token, larger for every later node. */
  czxid: bigint;
  /** The owning session; a node of any other session is never taken for this one's. */
  sessionId: bigint;
}

export interface OwnNodeSpec {
  /** The recipe's directory (created, with its parents, if missing). */
  dir: string;
  /** The kind of node, the part before the sequence, e.g. `lock-`. */
  prefix: string;
  data?: ZnodeData;
}

/**
 * Creates the node. After a connection loss it first looks for a node with its GUID, in a
 * view synced with the leader, and creates again only if there is none. If it gives up with
 * the outcome still unknown (or is cancelled while waiting to reconnect), a background sweep
 * removes whatever the GUID names.
 */
export async function createOwnNode(
  client: ZooClient,
  env: RecipeEnv,
  spec: OwnNodeSpec,
  cancellation?: Cancellation,
): Promise<OwnNode> {
  const guid = randomGuid(env.random);
  const path = `${spec.dir}/${protectedName(guid, spec.prefix)}`;
  let isOutcomeUnknown = false;
  for (let attempt = 0; ; attempt += 1) {
    try {
      if (isOutcomeUnknown) {
        const found = await findOwnNode(client, env, spec, guid);
        if (found !== null) return found;
      }
      const created = await client.createWithStat(path, spec.data ?? null, {
        mode: CreateMode.ephemeralSequential,
      });
      const name = created.path.slice(spec.dir.length + 1);
      const { czxid, ephemeralOwner } = created.stat;
      return { path: created.path, name, guid, czxid, sessionId: ephemeralOwner };
    } catch (error) {
      const canRetry = attempt < recoverableRetriesMax;
      if (isNoNode(error) && canRetry) {
        await ensurePath(client, env, spec.dir);
        continue;
      }
      isOutcomeUnknown ||= isRecoverable(error);
      try {
        if (!isRecoverable(error) || !canRetry) throw error;
        const recovered = recover(client, env, attempt);
        await (cancellation === undefined ? recovered : cancellation.race(recovered));
      } catch (final) {
        if (isOutcomeUnknown) sweepInBackground(client, env, spec.dir, guid);
        throw final;
      }
    }
  }
}

/** This session's node named with `guid`, or null; any further ones (late creates) go. */
async function findOwnNode(
  client: ZooClient,
  env: RecipeEnv,
  spec: OwnNodeSpec,
  guid: string,
): Promise<OwnNode | null> {
  const { dir } = spec;
  // A lagging server might not show a create that the leader has already committed.
  await client.sync(dir);
  const names = (await listOrEmpty(client, dir)).filter((name) => hasGuid(name, guid));
  let found: OwnNode | null = null;
  for (const contender of sortContenders(names, [spec.prefix])) {
    const path = `${dir}/${contender.name}`;
    const stat = await client.exists(path);
    if (stat === null || stat.ephemeralOwner !== client.sessionId) continue;
    if (found !== null) {
      await deleteOwnNode(client, env, path);
      continue;
    }
    found = { path, name: contender.name, guid, czxid: stat.czxid, sessionId: client.sessionId };
  }
  return found;
}

async function listOrEmpty(client: ZooClient, dir: string): Promise<string[]> {
  try {
    return await client.getChildren(dir);
  } catch (error) {
    if (isNoNode(error)) return [];
    throw error;
  }
}

/**
 * Deletes one of this session's nodes, repeating across connection losses. Resolves once it is
 * gone: deleted, already gone, or gone with the session (a session that ends takes it along).
 */
export async function deleteOwnNode(client: ZooClient, env: RecipeEnv, path: string) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await client.delete(path);
      return;
    } catch (error) {
      if (isNoNode(error) || isSessionGone(error)) return;
      if (!isRecoverable(error) || attempt >= recoverableRetriesMax) throw error;
      try {
        await recover(client, env, attempt);
      } catch {
        return;
      }
    }
  }
}

/** Removes every node this session made with `guid` under `dir`. */
export async function deleteByGuid(client: ZooClient, env: RecipeEnv, dir: string, guid: string) {
  try {
    const names = await retryRecoverable(client, env, async () => {
      await client.sync(dir);
      return listOrEmpty(client, dir);
    });
    for (const name of names) {
      if (hasGuid(name, guid)) await deleteIfOwned(client, env, `${dir}/${name}`);
    }
  } catch (error) {
    if (!isSessionGone(error)) throw error;
  }
}

/**
 * Deletes the node if this session owns it. A GUID names one contender only as long as the
 * injected randomness is sound; the owner check keeps a collision from deleting another's node.
 */
export async function deleteIfOwned(client: ZooClient, env: RecipeEnv, path: string) {
  const stat = await retryRecoverable(client, env, () => client.exists(path));
  if (stat !== null && stat.ephemeralOwner === client.sessionId) {
    await deleteOwnNode(client, env, path);
  }
}

function sweepInBackground(client: ZooClient, env: RecipeEnv, dir: string, guid: string): void {
  deleteByGuid(client, env, dir, guid).catch(() => undefined);
}

/** The session ended, and its ephemeral nodes with it. */
export function isSessionGone(error: unknown): boolean {
  return error instanceof ZooError && error.code === ErrorCode.SessionExpired;
}

/** Creates `path` and its missing ancestors as persistent nodes. */
export async function ensurePath(client: ZooClient, env: RecipeEnv, path: string): Promise<void> {
  let prefix = '';
  for (const part of path.split('/').slice(1)) {
    prefix += `/${part}`;
    const ancestor = prefix;
    await retryRecoverable(client, env, () =>
      client.create(ancestor).catch((error: unknown) => {
        if (error instanceof ZooError && error.code === ErrorCode.NodeExists) return ancestor;
        throw error;
      }),
    );
  }
}
