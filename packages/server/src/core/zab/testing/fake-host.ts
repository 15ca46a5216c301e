// Test support: the simplest replicated state — the list of txns applied; a snapshot is a copy of
// that list. It carries out the effects Zab hands out and records each, so tests can check them.

import { assert } from '@zoo/client/protocol';
import type { Txn } from '../../tree/txn.js';
import { streamOfSnapshot } from '../../tree/tree-snapshot.js';
import type { SnapshotNode, SnapshotStream, TreeSnapshot } from '../../tree/tree-snapshot.js';
import type { PeerMessage, RequestOrigin } from '../messages.js';
import type {
  ReplicatedState,
  ReplicationEffect,
  RestoredState,
  SnapshotHead,
  SnapshotRestore,
} from '../../replication/replication.js';
import type { ReplicationRole } from '../../replication/replication.js';
import { hexZxid } from '../zxid.js';

/**
 * The txn each node of a fake snapshot stands for: the fake state travels, by identity, in the
 * nodes (a root, then a node per txn), so it survives being cut into a SNAP's parts.
 */
const txnOfNode = new WeakMap<SnapshotNode, Txn>();

function fakeNode(path: string): SnapshotNode {
  return {
    ...{ path, data: null, acl: [], czxid: 0n, mzxid: 0n, pzxid: 0n, ctime: 0, mtime: 0 },
    ...{ version: 0, childCreates: 0, aversion: 0, ephemeralOwner: 0n },
  };
}

export function snapshotOf(txns: readonly Txn[]): TreeSnapshot {
  const nodes = [fakeNode('/')];
  txns.forEach((txn, i) => {
    const node = fakeNode(`/t${i}`);
    txnOfNode.set(node, txn);
    nodes.push(node);
  });
  return { zxid: txns.at(-1)?.zxid ?? 0n, nodes, sessions: [] };
}

export function contentsOf(snapshot: { nodes: Iterable<SnapshotNode> }): readonly Txn[] {
  const txns: Txn[] = [];
  for (const node of snapshot.nodes) {
    if (node.path === '/') continue;
    const txn = txnOfNode.get(node);
    assert(txn !== undefined, 'a snapshot made by a fake host');
    txns.push(txn);
  }
  return txns;
}

/** A fake state a SNAP built. */
class FakeRestored implements RestoredState {
  constructor(
    readonly zxid: bigint,
    readonly txns: readonly Txn[],
  ) {}
}

/** Called on every apply with the txn's position in the applied sequence. */
export type ApplyListener = (index: number, txn: Txn) => void;

export class FakeHost implements ReplicatedState {
  /** The replicated state: every txn applied, in order. */
  state: Txn[];
  readonly roleChanges: { role: ReplicationRole; leader: number | null; isServing: boolean }[] = [];
  readonly forwarded: { from: number; message: Extract<PeerMessage, { type: 'request' }> }[] = [];
  readonly syncsDone: { origin: RequestOrigin; path: string }[] = [];
  readonly sessionsReported: bigint[] = [];
  restores = 0;
  snapshotsStreamed = 0;

  constructor(
    initial: readonly Txn[] = [],
    private readonly onApply: ApplyListener = () => {},
  ) {
    this.state = [...initial];
  }

  lastAppliedZxid(): bigint {
    return this.state.at(-1)?.zxid ?? 0n;
  }

  /** A session whose createSession is applied and whose closeSession is not. */
  isLiveSession(sessionId: bigint): boolean {
    let isLive = false;
    for (const txn of this.state) {
      if (txn.sessionId !== sessionId) continue;
      if (txn.body.type === 'createSession') isLive = true;
      if (txn.body.type === 'closeSession') isLive = false;
    }
    return isLive;
  }

  /** Carries out what one Zab call handed out, in order; returns them for tests to inspect. */
  carryOut(effects: readonly ReplicationEffect[]): readonly ReplicationEffect[] {
    for (const effect of effects) {
      switch (effect.type) {
        case 'apply':
          this.apply(effect.txn);
          break;
        case 'restore':
          assert(effect.snapshot instanceof FakeRestored, 'a state a fake host built');
          this.state = [...effect.snapshot.txns];
          this.restores += 1;
          break;
        case 'roleChanged':
          this.roleChanges.push({
            role: effect.role,
            leader: effect.leader,
            isServing: effect.isServing,
          });
          break;
        case 'forwarded':
          this.forwarded.push({ from: effect.from, message: effect.message });
          break;
        case 'syncDone':
          this.syncsDone.push({ origin: effect.origin, path: effect.path });
          break;
        case 'sessionsTouched':
          this.sessionsReported.push(...effect.sessionIds);
          break;
      }
    }
    return effects;
  }

  private apply(txn: Txn): void {
    const last = this.lastAppliedZxid();
    assert(txn.zxid > last, () => `applied ${hexZxid(txn.zxid)} after ${hexZxid(last)}`);
    this.onApply(this.state.length, txn);
    this.state.push(txn);
  }

  streamSnapshot(): SnapshotStream {
    this.snapshotsStreamed += 1;
    return streamOfSnapshot(snapshotOf(this.state));
  }

  beginRestore(head: SnapshotHead): SnapshotRestore {
    const nodes: SnapshotNode[] = [];
    return {
      add(more) {
        nodes.push(...more);
        return null;
      },
      finish() {
        const snapshot = { zxid: head.zxid, nodes, sessions: [...head.sessions] };
        const state = new FakeRestored(head.zxid, contentsOf(snapshot));
        return { state, snapshot: streamOfSnapshot(snapshot) };
      },
    };
  }
}
