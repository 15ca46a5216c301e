// Every replica applies each committed txn in zxid order (FinalRequestProcessor's shared half):
// the tree changes, sessions come and go, and fired watches become notifications, which leave
// before the reply that follows. request-pipeline.ts then answers the write, if it was local.

import { Perms } from '@zoo/client/protocol';
import { checkAcl } from '../acl/check-acl.js';
import type { TreeEvent, TxnResult } from '../tree/data-tree.js';
import type { ReusedTreeEvents } from '../tree/tree-results.js';
import type { Txn } from '../tree/txn.js';
import type { RequestContext } from './request-context.js';

/**
 * Applies `txn` everywhere it goes (`withStats`: DataTree.applyInto). `events` is the caller's,
 * reused for every txn (cleared first, whatever a txn that threw left in it), so applying a txn
 * allocates no list of events, nor the events themselves.
 */
export function applyTxn(
  context: RequestContext,
  txn: Txn,
  canRead: ReadCheck,
  events: ReusedTreeEvents,
  withStats: boolean,
): TxnResult {
  events.clear();
  const result = context.tree.applyInto(txn, events, withStats);
  context.pending.applied(txn.zxid);
  trackSessions(context, txn);
  if (events.size > 0) notify(context, events, canRead);
  return result;
}

/** Every replica tracks every session: created and removed by txns, in zxid order. */
function trackSessions(context: RequestContext, txn: Txn): void {
  const sessions = context.sessions;
  if (txn.body.type === 'createSession')
    sessions.add(txn.sessionId, txn.body.timeoutMs, context.nowMs);
  if (txn.body.type === 'closeSession') sessions.remove(txn.sessionId);
}

/**
 * Which watchers of a node with `acl` may read it: null when every connection may (ACLs skipped,
 * or an open ACL), which spares the check per watcher.
 */
export type ReadCheck = (acl: TreeEvent['acl']) => ((connectionId: number) => boolean) | null;

/** Made once per pipeline, not per applied txn. */
export function readCheck(context: RequestContext): ReadCheck {
  const canRead = (acl: TreeEvent['acl'], connectionId: number): boolean => {
    const connection = context.connections.get(connectionId);
    return connection !== undefined && checkAcl(acl, Perms.read, connection.identities);
  };
  // The tree interns ACLs, so events in a row mostly carry the very same list: its answer is kept.
  let lastAcl: TreeEvent['acl'] | null = null;
  let isLastOpen = false;
  return (acl) => {
    if (context.options.skipAcl) return null;
    if (acl !== lastAcl) {
      lastAcl = acl;
      isLastOpen = isOpenToAll(acl);
    }
    return isLastOpen ? null : (connectionId) => canRead(acl, connectionId);
  };
}

/** ZooKeeper: ZooKeeperServer.checkACL passes anyone for an empty ACL or world:anyone READ. */
function isOpenToAll(acl: TreeEvent['acl']): boolean {
  if (acl.length === 0) return true;
  return acl.some(
    (entry) =>
      (entry.perms & Perms.read) !== 0 && entry.id.scheme === 'world' && entry.id.id === 'anyone',
  );
}

function notify(context: RequestContext, events: ReusedTreeEvents, canRead: ReadCheck): void {
  for (let index = 0; index < events.size; index++) {
    const event = events.at(index);
    if (event === undefined) break;
    // Most events have no watcher: the READ check is not worked out for them.
    if (!context.watches.mayFire(event)) continue;
    const fired = context.watches.trigger(event, canRead(event.acl));
    if (fired === null) continue;
    // ZooKeeper 3.8 sends −1 as a notification's zxid (3.9 sends the txn's).
    const notification = { zxid: -1n, event: fired.event };
    context.emit({ kind: 'notifications', watchers: fired.watchers, notification });
  }
}
