// The following and observing roles: register with the leader (FOLLOWERINFO → LEADERINFO →
// ACKEPOCH), take its synchronization (TRUNC/DIFF/SNAP, txns, NEWLEADER), then log, ACK and
// apply its broadcast. Persistence order is the point: nothing is acknowledged before the
// state it acknowledges is durable. ZooKeeper: Learner.registerWithLeader, syncWithLeader.

import { assert } from '@zoo/client/protocol';
import type { Txn } from '../tree/txn.js';
import type { SnapshotRestore } from '../replication/replication.js';
import type { LeaderBoundMessage, PeerMessage, RequestOrigin } from './messages.js';
import type { ZabContext } from './zab-types.js';
import { epochOf, hexZxid } from './zxid.js';

type Message<T extends PeerMessage['type']> = Extract<PeerMessage, { type: T }>;

/**
 * discovery: FOLLOWERINFO sent · epochAcked: ACKEPOCH sent · truncated: TRUNC done, DIFF next ·
 * snapping: taking a SNAP's parts · syncing: taking the sync txns · newLeaderAcked: history and
 * epoch durable, ACK sent · serving: UPTODATE arrived.
 */
export type LearnerStage =
  'discovery' | 'epochAcked' | 'truncated' | 'snapping' | 'syncing' | 'newLeaderAcked' | 'serving';

/** A SNAP being received: the state built so far, and how many nodes are still to come. */
interface SnapInProgress {
  zxid: bigint;
  restore: SnapshotRestore;
  nodesLeft: number;
}

export class Learner {
  private stage: LearnerStage = 'discovery';
  /** The epoch this learner accepted from its leader (LEADERINFO). */
  private epoch: number | null = null;
  private readonly startMs: number;
  private lastHeardMs: number;
  /** Set in the snapping stage only; dropped with the learner if it goes looking. */
  private snap: SnapInProgress | null = null;

  constructor(
    private readonly context: ZabContext,
    readonly leaderId: number,
    readonly isObserver: boolean,
  ) {
    this.startMs = context.nowMs;
    this.lastHeardMs = context.nowMs;
    this.sendFollowerInfo();
  }

  get isServing(): boolean {
    return this.stage === 'serving';
  }

  step(from: number, message: PeerMessage): void {
    if (from !== this.leaderId) return;
    this.lastHeardMs = this.context.nowMs;
    if (message.type === 'leaderInfo') return this.onLeaderInfo(message);
    // Until LEADERINFO, whatever arrives belongs to an earlier session with this leader.
    if (this.stage === 'discovery') return;
    switch (message.type) {
      case 'trunc':
        return this.onTrunc(message);
      case 'diff':
        return this.onDiff(message);
      case 'snap':
        return this.onSnap(message);
      case 'snapNodes':
        return this.onSnapNodes(message);
      case 'proposal':
        return this.onProposal(message.txn);
      case 'commit':
        return this.onCommit(message);
      case 'inform':
        return this.onInform(message.txn);
      case 'newLeader':
        return this.onNewLeader(message);
      case 'upToDate':
        return this.onUpToDate();
      case 'ping':
        this.context.outbox.sendNow(this.leaderId, {
          type: 'pong',
          touchedSessions: this.context.takeTouchedSessions(),
        });
        return;
      case 'syncDone':
        if (this.isServing) {
          this.context.emit({ type: 'syncDone', origin: message.origin, path: message.path });
        }
        return;
      case 'revalidated':
        // Not serving, this learner has closed every client connection: nothing waits for it.
        if (this.isServing) this.context.emit(message);
        return;
      default:
        return this.unexpected(message.type);
    }
  }

  tick(): void {
    const { nowMs, options } = this.context;
    if (!this.isServing && nowMs - this.startMs >= options.initLimitMs) {
      this.context.goLooking(`not synchronized with ${this.leaderId} within initLimit`);
      return;
    }
    const isPastSync = this.stage === 'newLeaderAcked' || this.stage === 'serving';
    if (isPastSync && nowMs - this.lastHeardMs >= options.syncLimitMs) {
      this.context.goLooking(`leader ${this.leaderId} silent for syncLimit`);
    }
  }

  /** The link to `id` went down (or came back as a new connection). */
  peerLinkChanged(id: number, isUp: boolean): void {
    if (id !== this.leaderId) return;
    // Still waiting for LEADERINFO: the FOLLOWERINFO may have been lost with the old link.
    if (isUp && this.stage === 'discovery') {
      this.sendFollowerInfo();
      return;
    }
    this.context.goLooking(`link to leader ${id} ${isUp ? 'replaced' : 'lost'}`);
  }

  /** A client's write, session txn or revalidation: in its order among the others. */
  forward(message: LeaderBoundMessage): void {
    assert(this.isServing, 'forward on a learner that does not serve');
    this.context.outbox.sendAhead(this.leaderId, message);
  }

  sync(origin: RequestOrigin, path: string): void {
    assert(this.isServing, 'sync on a learner that does not serve');
    this.context.outbox.sendAhead(this.leaderId, { type: 'sync', origin, path });
  }

  invariants(): void {
    const { acceptedEpoch, currentEpoch, log } = this.context;
    const epoch = this.epoch;
    assert((this.stage === 'discovery') === (epoch === null), 'learner epoch set by LEADERINFO');
    if (epoch !== null) {
      assert(epoch === acceptedEpoch, () => `learner epoch ${epoch}, accepted ${acceptedEpoch}`);
      assert(epochOf(log.lastZxid) <= epoch, 'learner logged beyond the leader epoch');
    }
    if (this.stage === 'newLeaderAcked' || this.stage === 'serving') {
      assert(currentEpoch === epoch, () => `learner current epoch ${currentEpoch} ≠ ${epoch}`);
    }
    assert(this.leaderId !== this.context.options.serverId, 'learner of itself');
    assert((this.stage === 'snapping') === (this.snap !== null), 'a SNAP only while snapping');
  }

  describe(): string {
    const kind = this.isObserver ? 'observing' : 'following';
    return `${kind} ${this.leaderId} e${this.epoch ?? '?'} ${this.stage}`;
  }

  private sendFollowerInfo(): void {
    const { acceptedEpoch, log, outbox } = this.context;
    outbox.sendNow(this.leaderId, {
      type: 'followerInfo',
      acceptedEpoch,
      lastZxid: log.lastZxid,
      isObserver: this.isObserver,
    });
  }

  private unexpected(what: string): void {
    this.context.goLooking(`unexpected ${what} from leader ${this.leaderId} in ${this.stage}`);
  }

  /** ZooKeeper: registerWithLeader — accept the new epoch durably, then ACKEPOCH. */
  private onLeaderInfo(message: Message<'leaderInfo'>): void {
    const { acceptedEpoch, currentEpoch, log, outbox } = this.context;
    const epoch = message.epoch;
    if (this.stage !== 'discovery') {
      // A duplicate answer to an earlier FOLLOWERINFO of this session's leadership.
      if (this.stage === 'epochAcked' && epoch === this.epoch) return;
      return this.unexpected(`LEADERINFO e${epoch}`);
    }
    // ZooKeeper accepts an equal epoch too (a learner that reconnects, or restarts, while the
    // same leader leads). That a learner may thus accept one epoch from two leaders is handled
    // by the leader: see Leader.onAckEpoch.
    if (epoch < acceptedEpoch) {
      this.context.goLooking(`leader epoch ${epoch} below accepted epoch ${acceptedEpoch}`);
      return;
    }
    if (epoch > acceptedEpoch) this.context.setEpochs({ acceptedEpoch: epoch, currentEpoch });
    this.epoch = epoch;
    this.stage = 'epochAcked';
    outbox.sendAfterPersisted(this.leaderId, {
      type: 'ackEpoch',
      epoch,
      currentEpoch,
      lastZxid: log.lastZxid,
    });
  }

  private onTrunc(message: Message<'trunc'>): void {
    if (this.stage !== 'epochAcked') return this.unexpected('TRUNC');
    const { log, outbox } = this.context;
    // The leader truncates only an uncommitted tail: never what this peer has applied.
    assert(
      message.zxid >= log.committedZxid && message.zxid < log.lastZxid,
      () => `TRUNC to ${hexZxid(message.zxid)} with ${log.describe()}`,
    );
    log.truncateAfter(message.zxid);
    outbox.persist({ type: 'truncate', afterZxid: message.zxid });
    this.stage = 'truncated';
  }

  /** DIFF: this log is now a prefix of the leader's history, committed up to `zxid` there. */
  private onDiff(message: Message<'diff'>): void {
    if (this.stage !== 'epochAcked' && this.stage !== 'truncated') return this.unexpected('DIFF');
    const log = this.context.log;
    this.stage = 'syncing';
    const committed = message.zxid < log.lastZxid ? message.zxid : log.lastZxid;
    if (committed > log.committedZxid) this.context.commitTo(committed);
  }

  /**
   * SNAP: the state is rebuilt from the parts that follow as they arrive (never all the parts
   * and the tree at once), each checked as it is linked; a bad one refuses the whole SNAP.
   */
  private onSnap(message: Message<'snap'>): void {
    if (this.stage !== 'epochAcked') return this.unexpected('SNAP');
    const { zxid, nodeCount, sessions } = message;
    if (nodeCount < 1) return this.refuseSnap('a snapshot without a root');
    const restore = this.context.replicated.beginRestore({ zxid, nodeCount, sessions });
    this.snap = { zxid, restore, nodesLeft: nodeCount };
    this.stage = 'snapping';
  }

  private onSnapNodes(message: Message<'snapNodes'>): void {
    const snap = this.snap;
    if (this.stage !== 'snapping' || snap === null) return this.unexpected('SNAP nodes');
    if (message.zxid !== snap.zxid) return this.refuseSnap('nodes of another snapshot');
    if (message.nodes.length > snap.nodesLeft) return this.refuseSnap('more nodes than announced');
    const problem = snap.restore.add(message.nodes);
    if (problem !== null) return this.refuseSnap(problem);
    snap.nodesLeft -= message.nodes.length;
    if (snap.nodesLeft === 0) this.installSnap(snap);
  }

  private installSnap(snap: SnapInProgress): void {
    const { log, outbox } = this.context;
    const { state, snapshot } = snap.restore.finish();
    this.snap = null;
    // The snapshot replaces state and log alike; it is durable before any ACK that follows.
    this.context.emit({ type: 'restore', snapshot: state });
    log.resetToSnapshot(snap.zxid);
    outbox.persist({ type: 'snapshot', snapshot });
    this.stage = 'syncing';
  }

  /** A SNAP the state cannot take (the leader's bug, or bad bytes): start over, elsewhere. */
  private refuseSnap(problem: string): void {
    this.snap = null;
    this.context.goLooking(`refused a SNAP from leader ${this.leaderId}: ${problem}`);
  }

  private onProposal(txn: Txn): void {
    const { log, outbox } = this.context;
    const isBroadcast = this.stage === 'newLeaderAcked' || this.stage === 'serving';
    if (this.stage !== 'syncing' && (!isBroadcast || this.isObserver)) {
      return this.unexpected('PROPOSAL');
    }
    const epoch = this.epoch;
    assert(epoch !== null && epochOf(txn.zxid) <= epoch, 'a proposal of a later epoch');
    log.append(txn);
    outbox.persist({ type: 'txns', txns: [txn] });
    // During sync the txns are acknowledged together, by the NEWLEADER ACK.
    if (!isBroadcast) return;
    const ack: PeerMessage = { type: 'ack', zxid: txn.zxid };
    outbox.sendAfterPersisted(this.leaderId, ack);
  }

  private onCommit(message: Message<'commit'>): void {
    // Observers see a COMMIT only in their sync stream; afterwards they get INFORMs.
    const isBroadcast = this.stage === 'newLeaderAcked' || this.stage === 'serving';
    if (this.stage !== 'syncing' && (!isBroadcast || this.isObserver)) {
      return this.unexpected('COMMIT');
    }
    const log = this.context.log;
    // The leader sends a COMMIT only after the proposals it covers, on this same link.
    assert(message.zxid <= log.lastZxid, () => `COMMIT ${hexZxid(message.zxid)} before proposal`);
    if (message.zxid > log.committedZxid) this.context.commitTo(message.zxid);
  }

  /** INFORM (observers): a committed txn, logged and applied at once. */
  private onInform(txn: Txn): void {
    const isBroadcast = this.stage === 'newLeaderAcked' || this.stage === 'serving';
    if (!this.isObserver || !isBroadcast) return this.unexpected('INFORM');
    const { log, outbox } = this.context;
    // A new leader commits its initial history anew: this observer may have it committed
    // already (from the previous leader), even trimmed out of its window.
    if (txn.zxid <= log.committedZxid) return;
    if (txn.zxid > log.lastZxid) {
      log.append(txn);
      outbox.persist({ type: 'txns', txns: [txn] });
    } else {
      assert(log.has(txn.zxid), () => `INFORM ${hexZxid(txn.zxid)} not in the log`);
    }
    if (txn.zxid > log.committedZxid) this.context.commitTo(txn.zxid);
  }

  /**
   * ZooKeeper: syncWithLeader, case NEWLEADER — the whole synced history and currentEpoch are
   * written before the ACK leaves (the ACK goes in sendAfterPersist, behind every write queued
   * so far): the order ZOOKEEPER-3911, 4394, 4643, 4646 and 4685 got wrong.
   */
  private onNewLeader(message: Message<'newLeader'>): void {
    if (this.stage !== 'syncing') return this.unexpected('NEWLEADER');
    const { log, outbox } = this.context;
    if (message.epoch !== this.epoch) return this.unexpected(`NEWLEADER e${message.epoch}`);
    assert(
      message.zxid === log.lastZxid,
      () => `NEWLEADER ${hexZxid(message.zxid)} but the synced log ends at ${log.describe()}`,
    );
    this.context.setEpochs({ acceptedEpoch: message.epoch, currentEpoch: message.epoch });
    const ack: PeerMessage = { type: 'ackNewLeader', zxid: message.zxid };
    outbox.sendAfterPersisted(this.leaderId, ack);
    this.stage = 'newLeaderAcked';
  }

  private onUpToDate(): void {
    const epoch = this.epoch;
    if (this.stage !== 'newLeaderAcked' || epoch === null) return this.unexpected('UPTODATE');
    this.stage = 'serving';
    this.context.becameServing(epoch);
  }
}
