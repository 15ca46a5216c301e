// Applies one committed txn on every replica, in zxid order (ZooKeeper's FinalRequestProcessor,
// its shared half): the tree changes, sessions are created and removed, and the watches the
// change fires become notifications — which leave before the reply the caller sends next.

import { Perms } from '@zoo/client/protocol';
import { checkAcl } from '../acl/check-acl.js';
import type { TreeEvent, TxnResult } from '../tree/data-tree.js';
import type { Txn } from '../tree/txn.js';
import type { RequestContext } from './request-context.js';

export function applyTxn(context: RequestContext, txn: Txn): TxnResult {
  const { result, events } = context.tree.apply(txn);
  context.pending.applied(txn.zxid);
  trackSessions(context, txn);
  notify(context, events);
  return result;
}

/** Every replica tracks every session: created and removed by txns, in zxid order. */
function trackSessions(context: RequestContext, txn: Txn): void {
  const sessions = context.sessions;
  if (txn.body.type === 'createSession')
    sessions.add(txn.sessionId, txn.body.timeoutMs, context.nowMs);
  if (txn.body.type === 'closeSession') sessions.remove(txn.sessionId);
}

function notify(context: RequestContext, events: readonly TreeEvent[]): void {
  const skipAcl = context.options.skipAcl;
  const canRead = (connectionId: number, acl: TreeEvent['acl']): boolean => {
    const connection = context.connections.get(connectionId);
    if (connection === undefined) return false;
    return skipAcl || checkAcl(acl, Perms.read, connection.identities);
  };
  for (const event of events) {
    for (const delivery of context.watches.trigger(event, canRead)) {
      // ZooKeeper 3.8 sends −1 as a notification's zxid (3.9 sends the txn's).
      context.emit({
        kind: 'notification',
        connectionId: delivery.connectionId,
        notification: { zxid: -1n, event: delivery.event },
      });
    }
  }
}
