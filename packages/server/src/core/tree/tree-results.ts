// What applying a txn gives back: the reply's result and the watch events it fires.

import type { Acl, Stat } from '@zoo/client/protocol';

export interface TreeEvent {
  type: 'nodeCreated' | 'nodeDeleted' | 'nodeDataChanged' | 'nodeChildrenChanged';
  path: string;
  /** The ACL that guards delivery: the node's own (its last one when deleted), the parent's for
   * nodeChildrenChanged (ZooKeeper 3.8.4+: WatchManager.triggerWatch(path, type, acl)). */
  acl: readonly Acl[];
}

/**
 * What the reply to a txn needs. A create's or setData's `stat` is null when the txn was applied
 * without stats (DataTree.applyInto): no reply here needs one.
 */
export type TxnResult =
  | { type: 'create'; path: string; stat: Stat | null }
  | { type: 'delete' }
  | { type: 'setData'; stat: Stat | null }
  | { type: 'setACL'; stat: Stat }
  | { type: 'check' }
  | { type: 'multi'; results: TxnResult[] }
  | { type: 'error'; err: number }
  | { type: 'multiError'; errs: number[] }
  | { type: 'session' };
