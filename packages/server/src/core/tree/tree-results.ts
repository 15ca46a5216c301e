// What applying a txn gives back: the reply's result and the watch events it fires.

import type { Acl, Stat } from '@zoo/client/protocol';

export interface TreeEvent {
  type: 'nodeCreated' | 'nodeDeleted' | 'nodeDataChanged' | 'nodeChildrenChanged';
  path: string;
  /** The ACL that guards delivery: the node's own (its last one when deleted), the parent's for
   * nodeChildrenChanged (ZooKeeper 3.8.4+: WatchManager.triggerWatch(path, type, acl)). */
  acl: readonly Acl[];
}

/** What the reply to a txn needs. */
export type TxnResult =
  | { type: 'create'; path: string; stat: Stat }
  | { type: 'delete' }
  | { type: 'setData'; stat: Stat }
  | { type: 'setACL'; stat: Stat }
  | { type: 'check' }
  | { type: 'multi'; results: TxnResult[] }
  | { type: 'error'; err: number }
  | { type: 'multiError'; errs: number[] }
  | { type: 'session' };
