// Test support: the safety properties of Zab's TLA+ spec that ZabNetwork checks as it runs —
// Agreement and TotalOrder (every replica applies a prefix of one sequence), Integrity (one
// zxid names one txn) and Leadership (at most one leader establishes an epoch).

import { assert } from '@zoo/client/protocol';
import type { Txn } from '../../tree/txn.js';
import { describeTxn } from '../../tree/txn.js';

export class ZabChecks {
  /** Every txn applied anywhere, by position: the sequence all replicas must agree on. */
  readonly committed: Txn[] = [];
  /** Txns are told apart by cxid: the network gives each proposal a unique one. */
  private readonly cxidOfZxid = new Map<bigint, number>();
  private readonly leaderOfEpoch = new Map<number, number>();

  /** `context` describes the recent past, for failure messages. */
  constructor(private readonly context: () => string) {}

  /** For a host: called with each txn it applies and its position in the host's state. */
  applyListener(id: number): (index: number, txn: Txn) => void {
    return (index, txn) => {
      const agreed = this.committed[index];
      if (agreed === undefined) {
        assert(index === this.committed.length, `node ${id} applied past the agreed sequence`);
        this.committed.push(txn);
        return;
      }
      if (!isSameTxn(agreed, txn)) {
        throw new Error(
          `agreement violated: node ${id} applied [${describeTxn(txn)}] at ${index}, ` +
            `others [${describeTxn(agreed)}]\n${this.context()}`,
        );
      }
    };
  }

  /** A node's state must be a prefix of the agreed sequence (it may lag, never differ). */
  checkState(id: number, state: readonly Txn[]): void {
    state.forEach((txn, index) => {
      const agreed = this.committed[index];
      if (agreed === undefined || !isSameTxn(agreed, txn)) {
        throw new Error(`node ${id} holds [${describeTxn(txn)}] at ${index}, not agreed`);
      }
    });
  }

  /** A txn about to be written to some node's log. */
  checkIntegrity(txn: Txn): void {
    const cxid = this.cxidOfZxid.get(txn.zxid) ?? txn.cxid;
    assert(cxid === txn.cxid, () => `zxid ${txn.zxid} names two txns: cxid ${cxid}, ${txn.cxid}`);
    this.cxidOfZxid.set(txn.zxid, txn.cxid);
  }

  /** `leader` serves as the established leader of `epoch`. */
  checkLeadership(epoch: number, leader: number): void {
    const established = this.leaderOfEpoch.get(epoch) ?? leader;
    assert(established === leader, `epoch ${epoch} established by ${established} and ${leader}`);
    this.leaderOfEpoch.set(epoch, leader);
  }
}

function isSameTxn(a: Txn, b: Txn): boolean {
  return a.zxid === b.zxid && a.cxid === b.cxid && a.sessionId === b.sessionId;
}
