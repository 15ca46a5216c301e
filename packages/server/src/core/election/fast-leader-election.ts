// Fast Leader Election as a pure state machine (ZooKeeper: FastLeaderElection.lookForLeader and
// its WorkerReceiver): votes and ticks in, 'vote' notifications out, a decided leader at the end.
// Phase 0 of Zab; the peer runs discovery with the result. Time and jitter are injected.

import { assert } from '@zoo/client/protocol';
import type { PeerEnvelope, PeerMessage, ServerState, Vote } from '../zab/messages.js';
import { assertElectionOptions, assertNotification } from './election-options.js';
import type { ElectionOptions, ElectionResult, Notification } from './election-options.js';
import { isBetterVote, noCandidate } from './is-better-vote.js';
import { VoteTally, isLeaderConfirmed } from './vote-tally.js';
import type { ReceivedVote } from './vote-tally.js';

export { electionDefaults } from './election-options.js';
export type { ElectionOptions, ElectionResult, Notification } from './election-options.js';
export { isBetterVote } from './is-better-vote.js';

/** At most one pending notification per destination: a newer one supersedes it. */
export const outboxDestinationsMax = 1_024;

type Phase = 'idle' | 'looking' | 'decided';

const noMessages: readonly PeerEnvelope[] = [];

export class FastLeaderElection {
  private readonly options: ElectionOptions;
  private readonly serverId: number;
  /** Voting members, ascending: the order notifications go out in. */
  private readonly voters: readonly number[];
  private readonly voterSet: ReadonlySet<number>;
  private isVoter: boolean;
  /** A voter that lost its state: it votes for nobody and counts for nothing until synced. */
  private isRejoining = false;
  private phase: Phase = 'idle';
  /** ZooKeeper: logicalclock — the current election round. */
  private logicalClock = 0;
  private initialVote: Vote = noCandidate;
  /** ZooKeeper: proposedLeader / proposedZxid / proposedEpoch. */
  private proposal: Vote = noCandidate;
  /** ZooKeeper: recvset — votes of the current round. */
  private readonly received: VoteTally;
  /** ZooKeeper: outofelection — FOLLOWING/LEADING notifications of any round. */
  private readonly outOfElection: VoteTally;
  /** ZooKeeper: notTimeout. */
  private notificationIntervalMs: number;
  private notifyAtMs = 0;
  private finalizeAtMs: number | null = null;
  private decision: ElectionResult | null = null;
  private readonly outbox = new Map<number, PeerMessage>();

  constructor(options: ElectionOptions) {
    assertElectionOptions(options);
    const { serverId, voters } = options;
    this.options = options;
    this.serverId = serverId;
    this.voters = [...voters].sort((a, b) => a - b);
    this.voterSet = new Set(this.voters);
    this.isVoter = this.voterSet.has(serverId);
    this.received = new VoteTally(this.voterSet);
    this.outOfElection = new VoteTally(this.voterSet);
    this.notificationIntervalMs = options.notificationIntervalMinMs;
  }

  /**
   * Start (or restart) looking: next round (logical clock + 1), vote for self, notify voters.
   * `zxid` is the last logged zxid and `epoch` the currentEpoch (ZooKeeper: getPeerEpoch).
   */
  start(self: { zxid: bigint; epoch: number }, nowMs: number): void {
    assert(self.zxid >= 0n, `election: start with zxid ${self.zxid}`);
    assert(Number.isSafeInteger(self.epoch) && self.epoch >= 0, `election: epoch ${self.epoch}`);
    assert(Number.isFinite(nowMs), () => `election: now ${nowMs}`);
    this.phase = 'looking';
    this.logicalClock += 1;
    this.decision = null;
    this.received.clear();
    this.outOfElection.clear();
    this.finalizeAtMs = null;
    this.notificationIntervalMs = this.options.notificationIntervalMinMs;
    // ZooKeeper: getInitId / getInitLastLoggedZxid / getPeerEpoch — a non-voter proposes nobody.
    this.initialVote = this.isVoter
      ? { leader: this.serverId, zxid: self.zxid, epoch: self.epoch }
      : noCandidate;
    this.setProposal(this.initialVote);
    this.scheduleNotification(nowMs);
    // A one-voter ensemble has its quorum at once (ZooKeeper: through its self-notification).
    this.checkLookingQuorum(nowMs);
  }

  /** A notification from peer `from` (ZooKeeper: WorkerReceiver, then lookForLeader's loop). */
  receive(from: number, notification: Notification, nowMs: number): void {
    assert(from !== this.serverId, `election ${this.serverId}: notification from self`);
    assertNotification(notification);
    if (this.phase === 'idle') return;
    if (this.phase === 'decided') {
      // ZooKeeper: WorkerReceiver — out of election, tell a LOOKING peer what we believe.
      if (notification.state === 'looking') this.answer(from);
      return;
    }
    if (!this.voterSet.has(from)) {
      // ZooKeeper: WorkerReceiver — a non-voter (observer) is answered at once and not counted.
      // Deviation: only while it is looking; ZooKeeper also answers an observer that is out of
      // election, which answers back, and the two would exchange notifications forever.
      if (notification.state === 'looking') this.answer(from);
      return;
    }
    const { round, state, vote } = notification;
    if (state === 'looking' && round < this.logicalClock && this.isVoter) {
      // ZooKeeper: WorkerReceiver — help a voter whose round lags behind catch up. A non-voter
      // does not: voters answer non-voters at once, and the two would answer each other forever.
      this.answer(from);
    }
    if (this.finalizeAtMs === null) this.notifyAtMs = nowMs + this.notificationIntervalMs;
    if (!this.voterSet.has(vote.leader)) return; // ZooKeeper: validVoter(n.leader)
    if (this.finalizeAtMs !== null) {
      // ZooKeeper: lookForLeader's finalize loop — a better vote resumes the election; any
      // other notification that arrives while finalizing is dropped. Deviation: a LOOKING vote
      // from a newer round resumes it too; ZooKeeper would decide in the stale round and leave
      // the newer round's peers looking until Zab's timeouts send the deciders back.
      const isNewerRound = state === 'looking' && round > this.logicalClock;
      if (!isBetterVote(vote, this.proposal) && !isNewerRound) return;
      this.finalizeAtMs = null;
      this.notifyAtMs = nowMs + this.notificationIntervalMs;
    }
    switch (state) {
      case 'looking':
        if (!this.isRejoining) this.receiveLooking(from, notification, nowMs);
        return;
      case 'observing':
        return;
      case 'following':
      case 'leading':
        this.receiveEstablished(from, notification);
        return;
    }
  }

  /**
   * A voter that lost its state (started empty while the ensemble has history) must not vote
   * until it has synced from an established leader, or its forgotten promises could let two
   * leaders found one epoch. Rejoining, it proposes nobody, adopts no vote (a vote it passed on
   * would be counted for it) and learns only established leaders. Takes effect at start().
   */
  setRejoining(isRejoining: boolean): void {
    this.isRejoining = isRejoining;
    this.isVoter = this.voterSet.has(this.serverId) && !isRejoining;
  }

  /** Re-notify with back-off when nothing arrived; decide once finalizeWait has passed. */
  tick(nowMs: number): void {
    assert(Number.isFinite(nowMs), () => `election: now ${nowMs}`);
    if (this.phase !== 'looking') return;
    if (this.finalizeAtMs !== null) {
      if (nowMs >= this.finalizeAtMs) this.decide(this.proposal, this.logicalClock);
      return;
    }
    if (nowMs < this.notifyAtMs) return;
    // ZooKeeper: lookForLeader — on a poll timeout, send again and double notTimeout.
    this.broadcast();
    const { notificationIntervalMaxMs } = this.options;
    this.notificationIntervalMs = Math.min(
      this.notificationIntervalMs * 2,
      notificationIntervalMaxMs,
    );
    this.scheduleNotification(nowMs);
  }

  /** 'vote' notifications to send, one per destination, in the order first queued. */
  takeMessages(): readonly PeerEnvelope[] {
    // Asked after every input, and empty for all but the few inputs of an election.
    if (this.outbox.size === 0) return noMessages;
    const out: PeerEnvelope[] = [];
    for (const [to, message] of this.outbox) out.push({ to, message });
    this.outbox.clear();
    return out;
  }

  /** Set once decided; cleared by start(). */
  get result(): ElectionResult | null {
    return this.decision;
  }

  get isLooking(): boolean {
    return this.phase === 'looking';
  }

  /** The state notifications report: looking until decided, then leading/following/observing. */
  get state(): ServerState {
    if (this.phase !== 'decided' || this.decision === null) return 'looking';
    if (this.decision.leader === this.serverId) return 'leading';
    return this.isVoter ? 'following' : 'observing';
  }

  /** The current election round (ZooKeeper: logicalclock). */
  get round(): number {
    return this.logicalClock;
  }

  /** The vote this server currently proposes (while looking) or decided on. */
  get vote(): Vote {
    const decision = this.decision;
    if (decision === null) return this.proposal;
    return { leader: decision.leader, zxid: decision.zxid, epoch: decision.epoch };
  }

  /**
   * ZooKeeper: QuorumPeer.updateElectionVote (ZOOKEEPER-1732) — once the leader has established
   * a new epoch, report it, so a peer that joins later sees a quorum agreeing on (leader, epoch).
   */
  updateElectionVote(epoch: number): void {
    const decision = this.decision;
    assert(decision !== null, `election ${this.serverId}: updateElectionVote while looking`);
    assert(epoch >= decision.epoch, `election: epoch ${epoch} < voted ${decision.epoch}`);
    this.decision = { ...decision, epoch };
  }

  /**
   * While NOT looking (following/leading), answer a LOOKING peer's notification with our
   * current vote and state, as FLE's WorkerReceiver does. Returns the reply envelope.
   */
  static answerLooking(options: {
    from: number;
    round: number;
    vote: Vote;
    state: ServerState;
  }): PeerEnvelope {
    const { from, round, vote, state } = options;
    assert(state !== 'looking', `answerLooking to ${from} while looking`);
    return { to: from, message: { type: 'vote', round, vote: { ...vote }, state } };
  }

  invariants(): void {
    const id = this.serverId;
    assert(this.outbox.size <= outboxDestinationsMax, `election ${id}: outbox ${this.outbox.size}`);
    assert(!this.outbox.has(id), `election ${id}: message to self`);
    switch (this.phase) {
      case 'idle':
        assert(this.logicalClock === 0 && this.decision === null, `election ${id}: idle`);
        return;
      case 'decided':
        this.decidedInvariants();
        return;
      case 'looking':
        this.lookingInvariants();
        return;
    }
  }

  private decidedInvariants(): void {
    const id = this.serverId;
    assert(this.decision !== null, `election ${id}: decided without a result`);
    assert(this.voterSet.has(this.decision.leader), `election ${id}: non-voter leader`);
    const round = this.decision.round;
    assert(
      round === this.logicalClock,
      `election ${id}: decided r${round} in ${this.logicalClock}`,
    );
    assert(this.finalizeAtMs === null, `election ${id}: finalizing after deciding`);
    assert(this.received.size === 0, `election ${id}: votes kept after deciding`);
    assert(this.outOfElection.size === 0, `election ${id}: votes kept after deciding`);
  }

  private lookingInvariants(): void {
    const id = this.serverId;
    const { notificationIntervalMinMs: min, notificationIntervalMaxMs: max } = this.options;
    assert(this.decision === null, `election ${id}: result while looking`);
    assert(this.logicalClock > 0, `election ${id}: looking in round 0`);
    assert(!isBetterVote(this.initialVote, this.proposal), `election ${id}: proposal < own vote`);
    const interval = this.notificationIntervalMs;
    assert(interval >= min && interval <= max, `election ${id}: interval ${interval}`);
    if (this.isVoter) {
      assert(this.voterSet.has(this.proposal.leader), `election ${id}: proposes non-voter`);
      const own = this.received.get(id);
      assert(own !== undefined && own.vote === this.proposal, `election ${id}: own vote missing`);
    }
    for (const from of this.received.senders()) {
      const round = this.received.get(from)?.round;
      assert(round === this.logicalClock, `election ${id}: vote of ${from} from round ${round}`);
    }
    if (this.finalizeAtMs !== null) {
      assert(this.received.hasQuorumFor(this.ownVote()), `election ${id}: finalize w/o quorum`);
    }
  }

  /** ZooKeeper: lookForLeader, case LOOKING. */
  private receiveLooking(from: number, notification: Notification, nowMs: number): void {
    const { round, vote } = notification;
    if (round > this.logicalClock) {
      // A newer round: join it, forget this round's votes, and vote afresh for the better of the
      // sender's vote and our own initial vote.
      this.logicalClock = round;
      this.received.clear();
      this.setProposal(isBetterVote(vote, this.initialVote) ? vote : this.initialVote);
    } else if (round < this.logicalClock) {
      return;
    } else if (isBetterVote(vote, this.proposal)) {
      this.setProposal(vote);
    }
    this.received.record(from, { vote, round, state: 'looking' });
    this.checkLookingQuorum(nowMs);
  }

  /** ZooKeeper: lookForLeader, case FOLLOWING/LEADING — learn an established leader. */
  private receiveEstablished(from: number, notification: Notification): void {
    const { round, vote, state } = notification;
    const target: ReceivedVote = { vote, round, state };
    const self = { serverId: this.serverId, logicalClock: this.logicalClock };
    const leader = vote.leader;
    if (round === this.logicalClock) {
      this.received.record(from, target);
      const tally = this.received;
      if (tally.hasQuorumFor(target) && isLeaderConfirmed({ tally, leader, round, self })) {
        this.decide(vote, round);
        return;
      }
    }
    // ZooKeeper: before joining an established ensemble, check that a quorum follows the same
    // leader and that the leader says it leads (outofelection also holds this round's votes,
    // ZOOKEEPER-1732).
    this.outOfElection.record(from, target);
    const tally = this.outOfElection;
    if (tally.hasQuorumFor(target) && isLeaderConfirmed({ tally, leader, round, self })) {
      this.logicalClock = round;
      this.decide(vote, round);
    }
  }

  private checkLookingQuorum(nowMs: number): void {
    if (this.finalizeAtMs !== null) return;
    if (!this.received.hasQuorumFor(this.ownVote())) return;
    // ZooKeeper: finalizeWait. Deviation: the wait is counted from when the quorum formed, not
    // restarted by every unrelated notification, so steady traffic cannot postpone the decision.
    this.finalizeAtMs = nowMs + this.options.finalizeWaitMs;
  }

  private decide(vote: Vote, round: number): void {
    this.phase = 'decided';
    this.decision = { leader: vote.leader, epoch: vote.epoch, round, zxid: vote.zxid };
    this.received.clear();
    this.outOfElection.clear();
    this.finalizeAtMs = null;
  }

  private ownVote(): ReceivedVote {
    return { vote: this.proposal, round: this.logicalClock, state: 'looking' };
  }

  /** ZooKeeper: updateProposal + sendNotifications (our own copy is recorded directly). */
  private setProposal(vote: Vote): void {
    this.proposal = { ...vote };
    if (this.isVoter) this.received.record(this.serverId, this.ownVote());
    this.broadcast();
  }

  private broadcast(): void {
    const message = this.notification();
    for (const to of this.voters) {
      if (to !== this.serverId) this.queue(to, message);
    }
  }

  private answer(to: number): void {
    if (this.phase === 'decided') {
      const decided = { round: this.logicalClock, vote: this.vote, state: this.state };
      this.queue(to, FastLeaderElection.answerLooking({ from: to, ...decided }).message);
    } else {
      this.queue(to, this.notification());
    }
  }

  private notification(): PeerMessage {
    return { type: 'vote', round: this.logicalClock, vote: { ...this.proposal }, state: 'looking' };
  }

  private queue(to: number, message: PeerMessage): void {
    // A newer notification to the same peer supersedes a queued one: the receiver keeps only
    // each sender's latest vote, so nothing is lost, and the outbox stays one per destination.
    this.outbox.set(to, message);
    assert(this.outbox.size <= outboxDestinationsMax, `election: outbox ${this.outbox.size}`);
  }

  /** The next re-notification time: the interval plus up to a quarter of it as jitter. */
  private scheduleNotification(nowMs: number): void {
    const interval = this.notificationIntervalMs;
    const jitterMs = this.options.random.nextInt(0, Math.floor(interval / 4));
    this.notifyAtMs = nowMs + interval + jitterMs;
  }
}
