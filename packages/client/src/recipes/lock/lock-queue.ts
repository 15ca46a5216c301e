// The wait in line shared by the locks: join the directory with an own node, then until a rule
// says the node holds, watch only the one contender it waits for (no herd: a release wakes the
// next in line, not everyone). ZooKeeper recipes: Locks; Curator: LockInternals.

import { ErrorCode, WatcherType, ZooError } from '../../protocol/index.js';
import type { ZnodeData } from '../../api/create-request.js';
import type { ZooClient } from '../../api/zoo-client.js';
import type { Cancellation } from './cancellation.js';
import { createOwnNode, deleteIfOwned, deleteOwnNode, type OwnNode } from './own-node.js';
import { sortContenders, type Contender } from './protected-node.js';
import type { RecipeEnv } from '../support/recipe-env.js';
import { isNoNode, isRecoverable, recover, recoverableRetriesMax } from './recoverable.js';

/** Which contenders hold, for one kind of node in a directory. */
export interface QueueRule {
  /** This kind's node prefix, e.g. `lock-`. */
  prefix: string;
  /** Every prefix whose nodes take part in the order. */
  prefixes: readonly string[];
  /** Null when the contender at `index` holds; else the one whose deletion it waits for. */
  blockerOf(contenders: readonly Contender[], index: number): Contender | null;
}

/** A mutex: the first in line holds; everyone else waits for the one just before it. */
export const mutexRule: QueueRule = {
  prefix: 'lock-',
  prefixes: ['lock-'],
  blockerOf: (contenders, index) => (index === 0 ? null : (contenders[index - 1] ?? null)),
};

export interface QueueContext {
  client: ZooClient;
  env: RecipeEnv;
  dir: string;
  rule: QueueRule;
  data?: ZnodeData;
}

/**
 * Joins the line and resolves with the own node once it holds. On any failure (timeout, abort,
 * session end) the node is deleted before the rejection, unless the client is not connected:
 * then the deletion goes on in the background and completes once it is.
 */
export async function acquireInQueue(
  context: QueueContext,
  cancellation: Cancellation,
): Promise<OwnNode> {
  const { client, env, dir, rule } = context;
  const spec = { dir, prefix: rule.prefix, ...withData(context.data) };
  let node = await createOwnNode(client, env, spec, cancellation);
  try {
    while (!(await waitForTurn(context, node, cancellation))) {
      // Someone deleted the node while it waited: join again, at the back of the line.
      node = await createOwnNode(client, env, spec, cancellation);
    }
    return node;
  } catch (error) {
    await untilDoneOrDisconnected(client, deleteOwnNode(client, env, node.path));
    throw error;
  }
}

function withData(data: ZnodeData | undefined): { data?: ZnodeData } {
  return data === undefined ? {} : { data };
}

/** True once the node holds (with the client connected); false if the node is gone. */
async function waitForTurn(
  context: QueueContext,
  node: OwnNode,
  cancellation: Cancellation,
): Promise<boolean> {
  const { client, env, dir, rule } = context;
  for (let attempt = 0; ;) {
    try {
      // A node of another session would not be this contender's, whatever its name says.
      if (client.sessionId !== node.sessionId) {
        throw new ZooError(ErrorCode.SessionExpired, node.path);
      }
      const contenders = sortContenders(await client.getChildren(dir), rule.prefixes);
      const index = contenders.findIndex((contender) => contender.name === node.name);
      if (index < 0) return false;
      await deleteStrays(context, node, contenders);
      const blocker = rule.blockerOf(contenders, index);
      if (blocker === null) {
        if (client.state === 'connected') return true;
        await cancellation.race(client.ready());
        continue;
      }
      await waitUntilGone(client, `${dir}/${blocker.name}`, cancellation);
      attempt = 0;
    } catch (error) {
      if (!isRecoverable(error) || attempt >= recoverableRetriesMax) throw error;
      await cancellation.race(recover(client, env, attempt));
      attempt += 1;
    }
  }
}

/**
 * Deletes nodes with this contender's GUID other than its own: a create repeated after a
 * connection loss whose first attempt reached the leader only after the node was looked for.
 */
async function deleteStrays(
  context: QueueContext,
  node: OwnNode,
  contenders: readonly Contender[],
): Promise<void> {
  for (const contender of contenders) {
    if (contender.guid !== node.guid || contender.name === node.name) continue;
    await deleteIfOwned(context.client, context.env, `${context.dir}/${contender.name}`);
  }
}

/**
 * Resolves once the node at `path` is gone or changed (its data watch fired), at once if it is
 * already gone. getData arms no watch on a missing node, where exists would leave one behind.
 */
async function waitUntilGone(
  client: ZooClient,
  path: string,
  cancellation: Cancellation,
): Promise<void> {
  let listener = (): void => undefined;
  const fired = new Promise<void>((resolve) => (listener = () => resolve()));
  try {
    await client.getData(path, { watch: listener });
  } catch (error) {
    if (isNoNode(error)) return;
    throw error;
  }
  try {
    await cancellation.race(fired);
  } catch (error) {
    // Given up on: the watch would otherwise stay on the server until the node changes.
    client.removeWatches(path, WatcherType.data, { listener }).catch(() => undefined);
    throw error;
  }
}

/** Waits for `work` while the client stays connected; leaves it running otherwise. */
export async function untilDoneOrDisconnected(
  client: ZooClient,
  work: Promise<void>,
): Promise<void> {
  const settled = work.catch(() => undefined);
  if (client.state !== 'connected') return;
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      off();
      resolve();
    };
    const off = client.on('disconnected', finish);
    void settled.then(finish);
  });
}
