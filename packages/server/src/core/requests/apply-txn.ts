// Every replica applies each committed txn in zxid order (FinalRequestProcessor's shared half):
// the tree changes, sessions come and go, and fired watches become notifications, which leave
// before the reply that follows. request-pipeline.ts then answers the write, if it was local.

import { Perms } from '@zoo/client/protocol';
import { checkAcl } from '../acl/check-acl.js';
import type { TreeEvent, TxnResult } from '../tree/data-tree.js';
import type { Txn } from '../tree/txn.js';
import type { RequestContext } from './request-context.js';

export function applyTxn(context: RequestContext, txn: Txn, canRead: ReadCheck): TxnResult {
  const { result, events } = context.tree.apply(txn);
  context.pending.applied(txn.zxid);
  trackSessions(context, txn);
  if (events.length > 0) notify(context, events, canRead);
  return result;
}

/** Every replica tracks every session: created and removed by txns, in zxid order. */
function trackSessions(context: RequestContext, txn: Txn): void {
  const sessions = context.sessions;
  if (txn.body.type === 'createSession')
    sessions.add(txn.sessionId, txn.body.timeoutMs, context.nowMs);
  if (txn.body.type === 'closeSession') sessions.remove(txn.sessionId);
}

/** Whether a watcher's connection may read the node an event is about. */
export type ReadCheck = (connectionId: number, acl: TreeEvent['acl']) => boolean;

/** Made once per pipeline, not per applied txn. */
export function readCheck(context: RequestContext): ReadCheck {
  return (connectionId, acl) => {
    const connection = context.connections.get(connectionId);
    if (connection === undefined) return false;
    return context.options.skipAcl || checkAcl(acl, Perms.read, connection.identities);
  };
}

function notify(context: RequestContext, events: readonly TreeEvent[], canRead: ReadCheck): void {
  for (const event of events) {
    const deliveries = context.watches.trigger(event, canRead);
    const first = deliveries[0];
    if (first === undefined) continue;
    // ZooKeeper 3.8 sends −1 as a notification's zxid (3.9 sends the txn's). One notification
    // object for every watcher of the event, as the registry shares one event.
    const notification = { zxid: -1n, event: first.event };
    for (const delivery of deliveries) {
      context.emit({ kind: 'notification', connectionId: delivery.connectionId, notification });
    }
  }
}
