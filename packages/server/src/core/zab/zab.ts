// Zab: the replication state machine of one ensemble member (ZooKeeper's QuorumPeer main loop),
// as a pure object: messages, ticks and proposals in; sends, durable writes and sends-after-
// write out (the Ready contract), and from every call the effects the peer carries out after it
// (committed txns to apply, forwarded requests, role changes). It never calls into the peer. It
// routes to the election while looking, and to leader.ts or learner.ts once it has a role.

import { assert } from '@zoo/client/protocol';
import { FastLeaderElection } from '../election/fast-leader-election.js';
import type { Txn } from '../tree/txn.js';
import type { SnapshotStream } from '../tree/tree-snapshot.js';
import type {
  ReplicatedState,
  Replication,
  ReplicationEffect,
  ReplicationOutput,
  ReplicationRole,
} from '../replication/replication.js';
import { Leader } from './leader.js';
import { Learner } from './learner.js';
import type { LeaderBoundMessage, PeerMessage, RequestOrigin } from './messages.js';
import { ProposalLog } from './proposal-log.js';
import { ZabOutbox } from './zab-outbox.js';
import { Rejoining } from './rejoin.js';
import { resolveZabOptions } from './zab-types.js';
import type { DurableState, ResolvedZabOptions, ZabContext, ZabOptions } from './zab-types.js';
import { epochOf } from './zxid.js';

type FollowerInfo = Extract<PeerMessage, { type: 'followerInfo' }>;
type RoleState =
  | { kind: 'idle' }
  | { kind: 'looking' }
  | { kind: 'leading'; leader: Leader }
  | { kind: 'learning'; learner: Learner };

export class Zab implements Replication, ZabContext {
  readonly options: ResolvedZabOptions;
  readonly log: ProposalLog;
  readonly outbox = new ZabOutbox();
  nowMs = 0;
  private accepted: number;
  private current: number;
  private state: RoleState = { kind: 'idle' };
  private readonly election: FastLeaderElection;
  /** FOLLOWERINFOs that arrived while still looking: the sender decided sooner than we did. */
  private readonly earlyFollowerInfos = new Map<number, FollowerInfo>();
  private reportedRole = '';
  private lastReason = 'not started';
  /** Sessions this learner's clients touched since the last pong. */
  private touchedSessions = new Set<bigint>();
  /** A voter that lost its state observes until it has synced (rejoin.ts). */
  private readonly rejoining: Rejoining;

  constructor(
    options: ZabOptions,
    readonly replicated: ReplicatedState,
    durable: DurableState,
  ) {
    this.options = resolveZabOptions(options);
    const { acceptedEpoch, currentEpoch } = durable;
    assert(
      Number.isSafeInteger(currentEpoch) && currentEpoch >= 0 && currentEpoch <= acceptedEpoch,
      () => `durable epochs: current ${currentEpoch}, accepted ${acceptedEpoch}`,
    );
    this.accepted = acceptedEpoch;
    this.current = currentEpoch;
    this.log = new ProposalLog({
      log: durable.log,
      appliedZxid: replicated.lastAppliedZxid(),
      committedLogMax: this.options.committedLogMax,
    });
    const { serverId, voters, random, election } = this.options;
    this.election = new FastLeaderElection({ serverId, voters, random, ...election });
    this.rejoining = new Rejoining(this.options, this.election, durable.isRejoining === true);
  }

  get role(): ReplicationRole {
    switch (this.state.kind) {
      case 'idle':
      case 'looking':
        return 'looking';
      case 'leading':
        return 'leading';
      case 'learning':
        return this.state.learner.isObserver ? 'observing' : 'following';
    }
  }

  get leader(): number | null {
    if (this.state.kind === 'leading') return this.options.serverId;
    if (this.state.kind === 'learning') return this.state.learner.leaderId;
    return null;
  }

  /** The epoch of the last NEWLEADER this peer persisted (ZooKeeper: currentEpoch). */
  get epoch(): number {
    return this.current;
  }

  get isServing(): boolean {
    if (this.state.kind === 'leading') return this.state.leader.isServing;
    if (this.state.kind === 'learning') return this.state.learner.isServing;
    return false;
  }

  get acceptedEpoch(): number {
    return this.accepted;
  }

  get currentEpoch(): number {
    return this.current;
  }

  /** Begin: look for a leader (a lone voter elects itself at once). */
  start(nowMs: number): ReplicationEffect[] {
    assert(this.state.kind === 'idle', 'zab started twice');
    this.advanceTime(nowMs);
    this.goLooking('start');
    return this.afterInput();
  }

  step(from: number, message: PeerMessage, nowMs: number): ReplicationEffect[] {
    assert(this.state.kind !== 'idle', 'zab step before start');
    assert(from !== this.options.serverId, 'zab message from itself');
    this.advanceTime(nowMs);
    if (!this.isMember(from)) return this.outbox.takeEffects();
    if (message.type === 'vote') {
      const { round, vote, state } = message;
      if (this.state.kind === 'learning' && this.isServing && from === this.leader) {
        // ZooKeeper learners see their leader's socket close when it steps down; here the
        // peer link stays up, so the leader's new LOOKING vote is the signal. By FIFO it was
        // sent after the UPTODATE this learner already has, so it is not a stale vote.
        if (state === 'looking') this.goLooking(`leader ${from} is looking again`);
      }
      if (this.state.kind === 'leading' && state === 'looking') {
        // The other side of the same signal: a learner that looks again has left this leader
        // (ZooKeeper's LearnerHandler sees its socket close). Dropping it at once, instead of
        // after syncLimit, matters after a pause: the learner's pongs queued while this leader
        // was frozen would otherwise keep it counted, and a deposed leader would go on serving.
        // FIFO makes it safe: a learner's votes from before it followed precede its FOLLOWERINFO.
        this.state.leader.peerLinkChanged(from);
      }
      this.election.receive(from, { round, vote, state }, this.nowMs);
    } else if (this.state.kind === 'looking') {
      if (message.type === 'followerInfo') this.earlyFollowerInfos.set(from, message);
    } else if (this.state.kind === 'leading') {
      this.state.leader.step(from, message);
    } else if (this.state.kind === 'learning') {
      this.state.learner.step(from, message);
    }
    return this.afterInput();
  }

  tick(nowMs: number): ReplicationEffect[] {
    assert(this.state.kind !== 'idle', 'zab tick before start');
    this.advanceTime(nowMs);
    this.election.tick(this.nowMs);
    if (this.state.kind === 'leading') this.state.leader.tick();
    else if (this.state.kind === 'learning') this.state.learner.tick();
    return this.afterInput();
  }

  peerConnected(id: number, nowMs: number): ReplicationEffect[] {
    return this.peerLinkChanged(id, true, nowMs);
  }

  peerDisconnected(id: number, nowMs: number): ReplicationEffect[] {
    return this.peerLinkChanged(id, false, nowMs);
  }

  nextZxid(): bigint {
    assert(this.state.kind === 'leading', 'nextZxid on a peer that does not lead');
    return this.state.leader.nextZxid();
  }

  propose(txn: Txn): ReplicationEffect[] {
    assert(this.state.kind === 'leading', 'propose on a peer that does not lead');
    this.state.leader.propose(txn);
    return this.afterInput();
  }

  forward(message: LeaderBoundMessage): void {
    assert(this.state.kind === 'learning', 'forward on a peer that does not follow');
    this.state.learner.forward(message);
  }

  /** A learner asks its leader; a serving leader has sent every commit already: answer now. */
  sync(origin: RequestOrigin, path: string): ReplicationEffect[] {
    if (this.state.kind === 'leading') {
      assert(this.state.leader.isServing, 'sync on a leader that does not serve');
      this.emit({ type: 'syncDone', origin, path });
    } else {
      assert(this.state.kind === 'learning', 'sync on a peer without a leader');
      this.state.learner.sync(origin, path);
    }
    return this.outbox.takeEffects();
  }

  /** The txns after the snapshot stay in the log: they may be proposals not yet committed. */
  checkpoint(snapshot: SnapshotStream): void {
    assert(snapshot.zxid === this.log.appliedZxid, 'a checkpoint of the applied state');
    const tail = this.log.entriesAfter(snapshot.zxid);
    this.outbox.persist({ type: 'checkpoint', snapshot, tail });
  }

  noteTouched(sessionId: bigint): void {
    this.touchedSessions.add(sessionId);
  }

  takeOutput(): ReplicationOutput {
    return this.outbox.take();
  }

  hasOutput(): boolean {
    return !this.outbox.isEmpty;
  }

  /**
   * The loop made the oldest batch of PersistOps handed out by takeOutput() durable (and with it
   * every batch before it). `upToZxid` (the last txn it wrote) is informational: Zab counts the
   * batches it handed out, so a batch with no txn (an epoch change) is confirmed too.
   */
  persisted(upToZxid: bigint): ReplicationEffect[] {
    assert(upToZxid >= -1n, () => `persisted up to ${upToZxid}`);
    const batch = this.outbox.confirmOldestBatch();
    if (this.state.kind === 'leading') this.state.leader.onPersisted(batch);
    return this.afterInput();
  }

  /** Call between steps, once the peer has carried out the effects it was handed. */
  invariants(): void {
    this.log.invariants();
    const applied = this.replicated.lastAppliedZxid();
    assert(
      applied === this.log.appliedZxid,
      () => `state applied ${applied} ≠ ${this.log.describe()}`,
    );
    assert(this.log.appliedZxid === this.log.committedZxid, 'committed txns are applied at once');
    assert(this.current <= this.accepted, 'currentEpoch ≤ acceptedEpoch');
    assert(epochOf(this.log.lastZxid) <= this.accepted, 'no txn of an epoch not accepted');
    this.outbox.invariants();
    const { serverId } = this.options;
    const isVoter = this.rejoining.isVoting;
    switch (this.state.kind) {
      case 'idle':
      case 'looking':
        assert(this.leader === null && !this.isServing, 'looking without a leader');
        assert(this.election.isLooking, 'zab looking, election decided');
        break;
      case 'leading':
        assert(isVoter && this.leader === serverId, 'only a voter leads');
        this.state.leader.invariants();
        break;
      case 'learning':
        assert(this.state.learner.isObserver === !isVoter, 'observers observe, voters follow');
        this.state.learner.invariants();
        break;
    }
    if (this.state.kind !== 'looking') assert(!this.election.isLooking, 'election decided');
    this.election.invariants();
  }

  describe(): string {
    let role = `looking (${this.lastReason})`;
    if (this.state.kind === 'leading') role = this.state.leader.describe();
    if (this.state.kind === 'learning') role = this.state.learner.describe();
    const epochs = `accepted=${this.accepted} current=${this.current}`;
    return `zab ${this.options.serverId} ${role} ${epochs} ${this.log.describe()}`;
  }

  // ---- ZabContext: what the roles use ----

  setEpochs(epochs: { acceptedEpoch: number; currentEpoch: number }): number {
    const { acceptedEpoch, currentEpoch } = epochs;
    assert(acceptedEpoch >= this.accepted, () => `accepted epoch ${acceptedEpoch} goes back`);
    assert(currentEpoch >= this.current, () => `current epoch ${currentEpoch} goes back`);
    assert(currentEpoch <= acceptedEpoch, 'currentEpoch ≤ acceptedEpoch');
    this.accepted = acceptedEpoch;
    this.current = currentEpoch;
    const marked = this.rejoining.isActive ? { isRejoining: true } : {};
    return this.outbox.persist({ type: 'epochs', acceptedEpoch, currentEpoch, ...marked });
  }

  commitTo(zxid: bigint): Txn[] {
    const txns = this.log.commitTo(zxid);
    for (const txn of txns) {
      // Applied from here on: the peer applies it right after this call, before any other input.
      this.outbox.emit({ type: 'apply', txn });
      this.log.markApplied(txn);
    }
    this.log.trim();
    return txns;
  }

  emit(effect: ReplicationEffect): void {
    this.outbox.emit(effect);
  }

  takeTouchedSessions(): bigint[] {
    const touched = [...this.touchedSessions];
    this.touchedSessions = new Set();
    return touched;
  }

  goLooking(reason: string): void {
    const wasLeading = this.state.kind === 'leading';
    this.lastReason = reason;
    this.state = { kind: 'looking' };
    this.earlyFollowerInfos.clear();
    this.election.start({ zxid: this.log.lastZxid, epoch: this.current }, this.nowMs);
    // A lone voter decides at once (its finalize wait is 0); others wait for notifications.
    this.election.tick(this.nowMs);
    if (wasLeading) {
      // Observers get no election notifications: tell them at once that this leader is gone.
      const { round, vote } = this.election;
      const notice = { type: 'vote', round, vote, state: 'looking' } as const;
      for (const id of this.options.observerSet) this.outbox.sendNow(id, notice);
    }
    this.report();
  }

  becameServing(epoch: number): void {
    // ZooKeeper: updateElectionVote (ZOOKEEPER-1732) — report the new epoch to joining peers.
    this.election.updateElectionVote(epoch);
    this.report();
  }

  // ---- internals ----

  private isMember(id: number): boolean {
    return this.options.voterSet.has(id) || this.options.observerSet.has(id);
  }

  private advanceTime(nowMs: number): void {
    assert(Number.isFinite(nowMs), () => `zab time ${nowMs}`);
    // A clock that steps back must not rewind timeouts: time here only moves forward.
    if (nowMs > this.nowMs) this.nowMs = nowMs;
  }

  private peerLinkChanged(id: number, isUp: boolean, nowMs: number): ReplicationEffect[] {
    assert(this.state.kind !== 'idle', 'zab link change before start');
    this.advanceTime(nowMs);
    if (!this.isMember(id) || id === this.options.serverId) return this.outbox.takeEffects();
    if (this.state.kind === 'looking') this.earlyFollowerInfos.delete(id);
    if (this.state.kind === 'leading') this.state.leader.peerLinkChanged(id);
    if (this.state.kind === 'learning') this.state.learner.peerLinkChanged(id, isUp);
    return this.afterInput();
  }

  /** Election messages out; a decided election gives the peer its role. Ends every call. */
  private afterInput(): ReplicationEffect[] {
    if (this.rejoining.isActive && this.state.kind === 'learning' && this.isServing) {
      // The cleared mark is durable before any vote leaves (votes wait for what is persisted).
      this.rejoining.end();
      this.setEpochs({ acceptedEpoch: this.accepted, currentEpoch: this.current });
      this.goLooking(`rejoined from leader ${this.state.learner.leaderId}: votes again`);
    }
    for (const envelope of this.election.takeMessages()) {
      // Votes claim our log and epoch: they leave once what they claim is durable.
      this.outbox.sendAfterPersisted(envelope.to, envelope.message);
    }
    const result = this.state.kind === 'looking' ? this.election.result : null;
    if (result !== null) {
      if (result.leader === this.options.serverId) this.becomeLeader();
      else this.becomeLearner(result.leader);
      for (const envelope of this.election.takeMessages()) {
        this.outbox.sendAfterPersisted(envelope.to, envelope.message);
      }
    }
    return this.outbox.takeEffects();
  }

  private becomeLeader(): void {
    assert(this.rejoining.isVoting, 'an observer never leads');
    const leader = new Leader(this);
    this.state = { kind: 'leading', leader };
    this.report();
    leader.start();
    const early = [...this.earlyFollowerInfos];
    this.earlyFollowerInfos.clear();
    for (const [from, message] of early) {
      if (this.state.kind === 'leading' && this.state.leader === leader) leader.step(from, message);
    }
  }

  private becomeLearner(leaderId: number): void {
    this.earlyFollowerInfos.clear();
    const learner = new Learner(this, leaderId, !this.rejoining.isVoting);
    this.state = { kind: 'learning', learner };
    this.report();
  }

  /** Tells the host when role, leader or serving changed (every change, once). */
  private report(): void {
    const key = `${this.role}/${this.leader ?? '-'}/${this.isServing}`;
    if (key === this.reportedRole) return;
    this.reportedRole = key;
    const { role, leader, isServing } = this;
    this.emit({ type: 'roleChanged', role, leader, isServing });
  }
}
