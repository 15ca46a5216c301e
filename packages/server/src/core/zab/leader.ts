// The leading role: discovery (choose a new epoch from a quorum's accepted epochs),
// synchronization (bring each learner in line, commit the initial history once a quorum
// persisted it) and broadcast (propose, count ACKs, commit in order). ZooKeeper: Leader.lead,
// getEpochToPropose, waitForEpochAck, waitForNewLeaderAck, processAck/tryToCommit.

import { assert } from '@zoo/client/protocol';
import type { Txn } from '../tree/txn.js';
import type { PeerMessage } from './messages.js';
import { sendSyncStream } from './leader-sync.js';
import { LeaderDurability } from './leader-durability.js';
import {
  createLearnerHandler,
  describeLearnerHandler,
  isAhead,
  isExpired,
  isForwarding,
  learnerHandlerInvariants,
} from './learner-handler.js';
import type { LearnerHandler } from './learner-handler.js';
import { hasQuorum } from './quorum.js';
import { answerRevalidation } from './revalidate-session.js';
import type { ZabContext } from './zab-types.js';
import { counterOf, epochOf, hexZxid, makeZxid } from './zxid.js';

type Message<T extends PeerMessage['type']> = Extract<PeerMessage, { type: T }>;
type LeaderPhase = 'discovery' | 'synchronization' | 'broadcast';

export class Leader {
  private phase: LeaderPhase = 'discovery';
  private newEpoch: number | null = null;
  private readonly startMs: number;
  /** ZooKeeper: leaderStateSummary — no learner of the epoch quorum may be ahead of it. */
  private readonly summary: { currentEpoch: number; lastZxid: bigint };
  private readonly handlers = new Map<number, LearnerHandler>();
  /** Accepted epochs reported before the new epoch was chosen (ZooKeeper: connectingFollowers). */
  private readonly reportedEpochs = new Map<number, number>();
  /** Voters that accepted the new epoch, this leader included (ZooKeeper: electingFollowers). */
  private readonly epochAcks = new Set<number>();
  /** The leader's last zxid when synchronization began: the new epoch's initial history. */
  private initialHistoryZxid: bigint | null = null;
  private readonly durability = new LeaderDurability();
  private lastPingMs: number;
  /** Learners sent NEWLEADER in this leadership (across their sessions). */
  private readonly newLeaderSentTo = new Set<number>();

  constructor(private readonly context: ZabContext) {
    this.startMs = context.nowMs;
    this.lastPingMs = context.nowMs;
    this.summary = { currentEpoch: context.currentEpoch, lastZxid: context.log.lastZxid };
  }

  get isServing(): boolean {
    return this.phase === 'broadcast';
  }

  /** Discovery starts with this leader's own accepted epoch (it is one of the quorum). */
  start(): void {
    const { options, acceptedEpoch } = this.context;
    this.reportedEpochs.set(options.serverId, acceptedEpoch);
    this.tryChooseEpoch();
  }

  step(from: number, message: PeerMessage): void {
    if (message.type === 'followerInfo') return this.onFollowerInfo(from, message);
    const handler = this.handlers.get(from);
    // Without a handler it is a message of a session that ended: nothing waits for it.
    if (handler === undefined) return;
    handler.lastHeardMs = this.context.nowMs;
    switch (message.type) {
      case 'ackEpoch':
        return this.onAckEpoch(handler, message);
      case 'ackNewLeader':
        return this.onAckNewLeader(handler, message);
      case 'ack':
        return this.onAck(handler, message);
      case 'pong':
        if (this.isServing) {
          this.context.emit({ type: 'sessionsTouched', sessionIds: message.touchedSessions });
        }
        return;
      case 'request':
        if (this.isServing) this.context.emit({ type: 'forwarded', from: handler.id, message });
        return;
      case 'sync':
        // Every commit sent so far is ahead of this answer on the link.
        if (this.isServing) this.context.outbox.sendNow(from, { ...message, type: 'syncDone' });
        return;
      case 'revalidate':
        if (this.isServing) answerRevalidation(this.context, handler.id, message);
        return;
      default:
        return;
    }
  }

  nextZxid(): bigint {
    const epoch = this.newEpoch;
    assert(epoch !== null && this.isServing, 'nextZxid on a leader that does not serve');
    const last = this.context.log.lastZxid;
    assert(epochOf(last) <= epoch, () => `logged ${hexZxid(last)} beyond epoch ${epoch}`);
    return epochOf(last) === epoch ? last + 1n : makeZxid(epoch, 1);
  }

  propose(txn: Txn): void {
    const { log, outbox, options } = this.context;
    assert(this.isServing, 'propose on a leader that does not serve');
    assert(
      txn.zxid === this.nextZxid(),
      () => `proposal ${hexZxid(txn.zxid)}, expected ${hexZxid(this.nextZxid())}`,
    );
    if (counterOf(txn.zxid) >= options.zxidCounterMax) {
      // ZooKeeper: "zxid lower 32 bits have rolled over, forcing re-election".
      this.context.goLooking(`zxid counter rollover at ${hexZxid(txn.zxid)}`);
      return;
    }
    log.append(txn);
    this.durability.awaitProposal(txn.zxid, outbox.persist({ type: 'txns', txns: [txn] }));
    // One message object for every learner: the transport encodes a broadcast once.
    const proposal = { type: 'proposal', txn } as const;
    for (const handler of this.handlers.values()) {
      if (isForwarding(handler) && !handler.isObserver) outbox.sendNow(handler.id, proposal);
    }
  }

  /** Every PersistOp up to `durableNumber` is durable (the loop's persisted()). */
  onPersisted(durableNumber: number): void {
    this.durability.confirm(durableNumber);
    if (this.phase === 'synchronization') this.checkNewLeaderQuorum();
    else this.tryCommit();
  }

  tick(): void {
    const { nowMs, options, outbox, log } = this.context;
    if (!this.isServing && nowMs - this.startMs >= options.initLimitMs) {
      this.context.goLooking('no quorum synchronized within initLimit');
      return;
    }
    // ZooKeeper: Leader.lead pings every half tick, so a follower relays its sessions' touches
    // at most half a tick late and expiry stays within timeout + 1.5 ticks of the last packet.
    if (this.isServing && nowMs - this.lastPingMs >= options.tickMs / 2) {
      this.lastPingMs = nowMs;
      for (const handler of this.handlers.values()) {
        if (isForwarding(handler)) outbox.sendNow(handler.id, { type: 'ping', zxid: log.lastZxid });
      }
    }
    const { initLimitMs, syncLimitMs, serverId, voters } = options;
    // Deleting the entry being visited is safe in a Map's iteration: no copy per tick.
    for (const handler of this.handlers.values()) {
      if (isExpired(handler, { nowMs, initLimitMs, syncLimitMs })) this.handlers.delete(handler.id);
    }
    if (this.isServing && !hasQuorum(this.syncedVoterIds([serverId]), voters)) {
      // ZooKeeper: Leader.lead — "Not sufficient followers synced, only synced with sids".
      this.context.goLooking('lost the quorum of synced followers');
    }
  }

  /** The link to `id` went down or was replaced: its session is over. */
  peerLinkChanged(id: number): void {
    this.handlers.delete(id);
  }

  invariants(): void {
    const { log, acceptedEpoch, currentEpoch } = this.context;
    const epoch = this.newEpoch;
    const isEpochQuorum = this.phase !== 'discovery';
    assert(epoch !== null || !isEpochQuorum, 'leader past discovery without an epoch');
    if (epoch !== null) {
      assert(epoch === acceptedEpoch, () => `leader epoch ${epoch}, accepted ${acceptedEpoch}`);
      assert(epochOf(log.lastZxid) <= epoch, 'leader logged beyond its epoch');
    }
    if (isEpochQuorum) {
      assert(currentEpoch === epoch, () => `leader current epoch ${currentEpoch} ≠ ${epoch}`);
      assert(this.initialHistoryZxid !== null, 'synchronizing without an initial history');
    }
    if (this.isServing) {
      const initial = this.initialHistoryZxid;
      assert(initial !== null && log.committedZxid >= initial, 'initial history committed');
      for (const txn of log.entriesAfter(log.committedZxid)) {
        assert(epochOf(txn.zxid) === epoch, () => `uncommitted ${hexZxid(txn.zxid)} of old epoch`);
      }
    }
    this.durability.invariants(log.lastZxid);
    for (const handler of this.handlers.values()) {
      learnerHandlerInvariants(handler, log.lastZxid);
      if (isForwarding(handler) && !handler.isObserver) {
        assert(handler.newLeaderZxid !== null && handler.newLeaderZxid <= log.lastZxid, 'NL');
      }
    }
  }

  describe(): string {
    const learners = [...this.handlers.values()].map(describeLearnerHandler).join(',');
    return `leading e${this.newEpoch ?? '?'} ${this.phase} learners[${learners}]`;
  }

  private onFollowerInfo(from: number, message: Message<'followerInfo'>): void {
    const { options, nowMs } = this.context;
    const isObserver = options.observerSet.has(from) || message.isObserver; // or rejoin.ts
    if (!options.observerSet.has(from) && !options.voterSet.has(from)) return;
    // A new FOLLOWERINFO starts the learner's session over (ZooKeeper: a new connection).
    const handler = createLearnerHandler({
      id: from,
      isObserver,
      acceptedEpoch: message.acceptedEpoch,
      nowMs,
    });
    this.handlers.set(from, handler);
    if (this.newEpoch !== null && message.acceptedEpoch > this.newEpoch) {
      // The learner promised a later epoch, so it will refuse ours: make way for a new election
      // whose epoch is above its promise (raising our own promise is always safe).
      const { currentEpoch } = this.context;
      this.context.setEpochs({ acceptedEpoch: message.acceptedEpoch, currentEpoch });
      this.context.goLooking(`learner ${from} accepted epoch ${message.acceptedEpoch}`);
      return;
    }
    if (this.newEpoch === null) {
      this.reportedEpochs.set(from, message.acceptedEpoch);
      this.tryChooseEpoch();
      return;
    }
    this.sendLeaderInfo(handler);
  }

  /** ZooKeeper: getEpochToPropose — once a quorum has reported, epoch = max accepted + 1. */
  private tryChooseEpoch(): void {
    const { options, currentEpoch } = this.context;
    if (this.newEpoch !== null) return;
    // Every reported epoch raises it; only voters' reports make its quorum (not rejoin.ts's).
    const isVoting = (id: number): boolean => this.handlers.get(id)?.isObserver !== true;
    if (!hasQuorum([...this.reportedEpochs.keys()].filter(isVoting), options.voters)) return;
    const epoch = Math.max(...this.reportedEpochs.values()) + 1;
    this.newEpoch = epoch;
    // Persisted before any LEADERINFO leaves, so a restarted leader never reuses the epoch.
    this.context.setEpochs({ acceptedEpoch: epoch, currentEpoch });
    for (const handler of this.handlers.values()) {
      if (handler.stage === 'awaitingEpoch') this.sendLeaderInfo(handler);
    }
    this.epochAcks.add(options.serverId);
    this.checkEpochQuorum();
  }

  private sendLeaderInfo(handler: LearnerHandler): void {
    const epoch = this.newEpoch;
    assert(epoch !== null, 'LEADERINFO before the epoch is chosen');
    this.context.outbox.sendAfterPersisted(handler.id, { type: 'leaderInfo', epoch });
    handler.stage = 'awaitingAckEpoch';
  }

  private onAckEpoch(handler: LearnerHandler, message: Message<'ackEpoch'>): void {
    // An ACKEPOCH of another epoch answers a stale LEADERINFO: it promises nothing about ours.
    if (handler.stage !== 'awaitingAckEpoch' || message.epoch !== this.newEpoch) return;
    if (this.phase === 'discovery' && isAhead(message, this.summary)) {
      // ZooKeeper: waitForEpochAck — "Follower is ahead of the leader": this leader may lack
      // committed txns, so it must not lead; the next election prefers the learner.
      this.context.goLooking(`learner ${handler.id} is ahead of the leader`);
      return;
    }
    if (!this.mayJoin(handler, message)) {
      this.handlers.delete(handler.id);
      return;
    }
    handler.lastZxid = message.lastZxid;
    handler.stage = 'awaitingSync';
    if (!handler.isObserver) this.epochAcks.add(handler.id);
    if (this.phase !== 'discovery') this.startSync(handler);
    else this.checkEpochQuorum();
  }

  /**
   * A learner that already has currentEpoch = our epoch got it from a NEWLEADER. If not ours,
   * another leader chose the same epoch (possible, as learners accept an equal epoch), and a
   * peer must never ack NEWLEADER(e) for two leaders — else both could establish epoch e and
   * give one zxid to two txns. Once we are established no other leader of e can be, and a
   * learner holding no txn of epoch e can safely be synchronized.
   */
  private mayJoin(handler: LearnerHandler, message: Message<'ackEpoch'>): boolean {
    if (message.currentEpoch < message.epoch || this.newLeaderSentTo.has(handler.id)) return true;
    return this.isServing && epochOf(message.lastZxid) < message.epoch;
  }

  private checkEpochQuorum(): void {
    const { options, log } = this.context;
    const epoch = this.newEpoch;
    if (this.phase !== 'discovery' || epoch === null) return;
    if (!hasQuorum(this.epochAcks, options.voters)) return;
    this.phase = 'synchronization';
    this.initialHistoryZxid = log.lastZxid;
    const persistNumber = this.context.setEpochs({ acceptedEpoch: epoch, currentEpoch: epoch });
    this.durability.awaitEpoch(persistNumber, log.lastZxid);
    for (const handler of this.handlers.values()) {
      if (handler.stage === 'awaitingSync') this.startSync(handler);
    }
  }

  private startSync(handler: LearnerHandler): void {
    const epoch = this.newEpoch;
    const learnerLastZxid = handler.lastZxid;
    assert(epoch !== null && learnerLastZxid !== null, 'sync before ACKEPOCH');
    const { isObserver } = handler;
    const zxid = sendSyncStream(this.context, {
      to: handler.id,
      isObserver,
      learnerLastZxid,
      epoch,
    });
    if (!isObserver) assert(zxid === this.context.log.lastZxid, 'a voter gets the whole history');
    handler.newLeaderZxid = zxid;
    handler.stage = 'syncing';
    this.newLeaderSentTo.add(handler.id);
  }

  private onAckNewLeader(handler: LearnerHandler, message: Message<'ackNewLeader'>): void {
    if (handler.stage !== 'syncing' || message.zxid !== handler.newLeaderZxid) {
      this.handlers.delete(handler.id);
      return;
    }
    handler.stage = 'synced';
    if (!handler.isObserver) handler.ackedZxid = message.zxid;
    if (this.isServing) {
      this.context.outbox.sendNow(handler.id, { type: 'upToDate' });
      this.tryCommit();
      return;
    }
    this.checkNewLeaderQuorum();
  }

  /** ZooKeeper: waitForNewLeaderAck — a quorum (with this leader) persisted the history. */
  private checkNewLeaderQuorum(): void {
    if (this.phase !== 'synchronization') return;
    const ids = this.syncedVoterIds();
    if (this.durability.isSynced) ids.push(this.context.options.serverId);
    if (!hasQuorum(ids, this.context.options.voters)) return;
    this.establish();
  }

  private establish(): void {
    const epoch = this.newEpoch;
    const initial = this.initialHistoryZxid;
    assert(epoch !== null && initial !== null, 'establish before synchronization');
    this.phase = 'broadcast';
    this.lastPingMs = this.context.nowMs;
    // The whole initial history is now on a quorum's disks with currentEpoch = epoch.
    this.forwardCommit(this.context.commitTo(initial), initial);
    for (const handler of this.handlers.values()) {
      if (handler.stage === 'synced') this.context.outbox.sendNow(handler.id, { type: 'upToDate' });
    }
    this.context.becameServing(epoch);
  }

  private onAck(handler: LearnerHandler, message: Message<'ack'>): void {
    const isValid =
      !handler.isObserver &&
      handler.stage === 'synced' &&
      message.zxid <= this.context.log.lastZxid;
    if (!isValid) {
      this.handlers.delete(handler.id);
      return;
    }
    if (message.zxid > handler.ackedZxid) handler.ackedZxid = message.zxid;
    this.tryCommit();
  }

  /** ZooKeeper: tryToCommit — commit, in order, everything a quorum has made durable. */
  private tryCommit(): void {
    const { options, log } = this.context;
    if (!this.isServing) return;
    const selfAckedZxid = this.durability.ackedZxid;
    const acks = new Map<number, bigint>([[options.serverId, selfAckedZxid]]);
    for (const handler of this.handlers.values()) {
      if (handler.stage === 'synced' && !handler.isObserver)
        acks.set(handler.id, handler.ackedZxid);
    }
    const target = options.commitRule(acks, options.voters);
    if (target <= log.committedZxid) return;
    this.forwardCommit(this.context.commitTo(target), target);
  }

  /** COMMIT to the voters in the stream, INFORM (the txns themselves) to the observers. */
  private forwardCommit(txns: readonly Txn[], zxid: bigint): void {
    if (txns.length === 0) return;
    const outbox = this.context.outbox;
    const commit = { type: 'commit', zxid } as const;
    for (const handler of this.handlers.values()) {
      if (!isForwarding(handler)) continue;
      if (!handler.isObserver) {
        outbox.sendNow(handler.id, commit);
        continue;
      }
      for (const txn of txns) outbox.sendNow(handler.id, { type: 'inform', txn });
    }
  }

  /** Voters that acked NEWLEADER (expired ones are dropped on every tick). */
  private syncedVoterIds(ids: number[] = []): number[] {
    for (const handler of this.handlers.values()) {
      if (handler.stage === 'synced' && !handler.isObserver) ids.push(handler.id);
    }
    return ids;
  }
}
