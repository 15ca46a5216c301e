// Session tracking of one server (ZooKeeper's SessionTrackerImpl + ExpiryQueue): id allocation,
// timeouts in expiry buckets of one tick, touch on every request, expiry at a given time.
// Time enters as `nowMs` arguments; the table never reads a clock.

import { assert } from '@zoo/client/protocol';

import { SessionOwners } from './session-owners.js';

export { sessionPassword } from './session-password.js';

export interface SessionInfo {
  readonly sessionId: bigint;
  readonly timeoutMs: number;
  readonly isClosing: boolean;
  /** The expiry bucket: the session expires when `expire(nowMs)` is called with nowMs ≥ this. */
  readonly expiresAtMs: number;
}

export interface SessionTableOptions {
  /** Bucket width (ZooKeeper's tickTime). */
  tickMs: number;
  /** 0..254; the top byte of every session id (0xFF is the TTL marker). */
  serverId: number;
  /** Monotonic ms at start: seeds the session ids (§2.4). */
  startMs: number;
  /** Admission bound, see `hasRoom()`. */
  sessionsMax?: number;
}

/**
 * Bound on tracked sessions. A session committed through the log must be tracked, so `add`
 * never refuses; the runtime asks `hasRoom()` before it proposes a new session.
 */
export const sessionsMaxDefault = 1_000_000;

const int64Min = -(1n << 63n);
// ZooKeeper: EphemeralType.CONTAINER_EPHEMERAL_OWNER — the ephemeralOwner of containers.
const containerMarker = int64Min;
const serverIdMax = 254;

interface Session {
  sessionId: bigint;
  timeoutMs: number;
  isClosing: boolean;
  expiresAtMs: number;
}

export class SessionTable {
  private readonly tickMs: number;
  private readonly sessionsMax: number;
  private readonly sessionsById = new Map<bigint, Session>();
  // ZooKeeper: ExpiryQueue.expiryMap — bucket deadline → sessions in it.
  private readonly buckets = new Map<number, Set<bigint>>();
  private nextId: bigint;
  /** Leader: the member each session's requests come through (see session-owners.ts). */
  readonly owners = new SessionOwners();

  constructor(options: SessionTableOptions) {
    const { tickMs, serverId, startMs } = options;
    assert(Number.isInteger(tickMs) && tickMs > 0, `tickMs must be a positive integer: ${tickMs}`);
    assert(
      Number.isInteger(serverId) && serverId >= 0 && serverId <= serverIdMax,
      `serverId must be 0..${serverIdMax}: ${serverId}`,
    );
    assert(Number.isInteger(startMs) && startMs >= 0, `startMs must be an integer ≥ 0: ${startMs}`);
    this.tickMs = tickMs;
    this.sessionsMax = options.sessionsMax ?? sessionsMaxDefault;
    this.nextId = initialSessionId(serverId, startMs);
  }

  /** ZooKeeper: SessionTrackerImpl.createSession — the current counter value, then +1. */
  nextSessionId(): bigint {
    while (this.nextId === containerMarker || this.nextId === 0n) {
      this.nextId = BigInt.asIntN(64, this.nextId + 1n);
    }
    const sessionId = this.nextId;
    assert(
      BigInt.asUintN(64, sessionId) >> 56n !== 0xffn,
      `session id ${hex(sessionId)} has the TTL marker 0xFF in its top byte`,
    );
    this.nextId = BigInt.asIntN(64, this.nextId + 1n);
    return sessionId;
  }

  /** False when `sessionsMax` sessions are tracked: refuse new sessions before proposing them. */
  hasRoom(): boolean {
    return this.sessionsById.size < this.sessionsMax;
  }

  /**
   * Tracks a session (ZooKeeper: trackSession) and puts it in its bucket. On a known session
   * (a resume with a newly negotiated timeout) it updates the timeout and, unless the session
   * is closing, its expiry.
   */
  add(sessionId: bigint, timeoutMs: number, nowMs: number): void {
    assert(sessionId !== 0n, 'session id 0 is never tracked');
    assert(Number.isInteger(timeoutMs) && timeoutMs > 0, `bad session timeout: ${timeoutMs}`);
    let session = this.sessionsById.get(sessionId);
    if (session === undefined) {
      session = { sessionId, timeoutMs, isClosing: false, expiresAtMs: 0 };
      this.sessionsById.set(sessionId, session);
    }
    session.timeoutMs = timeoutMs;
    if (!session.isClosing) this.moveToBucket(session, nowMs);
  }

  /** Leader: learners' clients touched these sessions; a revalidation names the new owner. */
  touchAll(sessionIds: readonly bigint[], nowMs: number, owner?: number): void {
    for (const sessionId of sessionIds) {
      if (this.touch(sessionId, nowMs) && owner !== undefined) this.owners.set(sessionId, owner);
    }
  }

  /** Every request refreshes its session. False if the session is unknown or closing. */
  touch(sessionId: bigint, nowMs: number): boolean {
    // ZooKeeper: SessionTrackerImpl.touchSession.
    const session = this.sessionsById.get(sessionId);
    if (session === undefined || session.isClosing) return false;
    // Most touches land in the bucket the session is in (an open session is always in the
    // bucket of its expiresAtMs): nothing to move, no bucket to look up.
    if (this.deadlineOf(session, nowMs) !== session.expiresAtMs) this.moveToBucket(session, nowMs);
    return true;
  }

  get(sessionId: bigint): SessionInfo | undefined {
    const session = this.sessionsById.get(sessionId);
    return session === undefined ? undefined : { ...session };
  }

  /** Known and not closing: what get tells, without a copy (asked on every write). */
  isOpen(sessionId: bigint): boolean {
    return this.sessionsById.get(sessionId)?.isClosing === false;
  }

  /** closeSession in flight, or expired: the session takes no more requests or touches. */
  setClosing(sessionId: bigint): void {
    const session = this.sessionsById.get(sessionId);
    if (session !== undefined) session.isClosing = true;
  }

  /**
   * Forgets every closing mark: they belong to a leadership whose closeSession proposals may
   * never commit. Each such session is tracked again with a full timeout from now, so whoever
   * leads next expires (and closes) it afresh. ZooKeeper: a new leader's SessionTrackerImpl is
   * built from the database's sessions, with no closing state carried over. Called on every
   * role change, it forgets every session's owner too: a new leader starts with none.
   */
  reopenClosing(nowMs: number): void {
    this.owners.clear();
    for (const session of this.sessionsById.values()) {
      if (!session.isClosing) continue;
      session.isClosing = false;
      this.moveToBucket(session, nowMs);
    }
  }

  remove(sessionId: bigint): void {
    const session = this.sessionsById.get(sessionId);
    if (session === undefined) return;
    this.buckets.get(session.expiresAtMs)?.delete(sessionId);
    this.sessionsById.delete(sessionId);
    this.owners.delete(sessionId);
  }

  /**
   * Sessions whose bucket deadline is ≤ nowMs, marked closing, ordered by deadline then id.
   * Sessions already closing are left to whoever closed them and are not returned again.
   */
  expire(nowMs: number): bigint[] {
    // ZooKeeper: SessionTrackerImpl.run + ExpiryQueue.poll — the whole bucket expires at once.
    // A leader's loop asks at every turn, and almost always nothing is due: answer that cheaply.
    if (!this.hasBucketDue(nowMs)) return [];
    const due = [...this.buckets.keys()].filter((deadline) => deadline <= nowMs);
    due.sort((left, right) => left - right);
    const expired: bigint[] = [];
    for (const deadline of due) {
      const ids = [...(this.buckets.get(deadline) ?? [])].sort(compareBigint);
      this.buckets.delete(deadline);
      for (const sessionId of ids) {
        const session = this.sessionsById.get(sessionId);
        if (session === undefined || session.isClosing) continue;
        session.isClosing = true;
        expired.push(sessionId);
      }
    }
    return expired;
  }

  get size(): number {
    return this.sessionsById.size;
  }

  private hasBucketDue(nowMs: number): boolean {
    for (const deadline of this.buckets.keys()) if (deadline <= nowMs) return true;
    return false;
  }

  /** Every tracked session, ordered by expiry then id (the `dump` four-letter word). */
  sessions(): Iterable<SessionInfo> {
    const all = [...this.sessionsById.values()].map((session) => ({ ...session }));
    all.sort((left, right) =>
      left.expiresAtMs !== right.expiresAtMs
        ? left.expiresAtMs - right.expiresAtMs
        : compareBigint(left.sessionId, right.sessionId),
    );
    return all;
  }

  invariants(): void {
    for (const [deadline, ids] of this.buckets) {
      assert(deadline % this.tickMs === 0, `bucket ${deadline} is not a multiple of the tick`);
      for (const sessionId of ids) {
        const session = this.sessionsById.get(sessionId);
        assert(session !== undefined, `bucket ${deadline} holds unknown session ${hex(sessionId)}`);
        assert(
          session.expiresAtMs === deadline,
          `session ${hex(sessionId)} in bucket ${deadline} but expires at ${session.expiresAtMs}`,
        );
      }
    }
    for (const session of this.sessionsById.values()) {
      const inBucket = this.buckets.get(session.expiresAtMs)?.has(session.sessionId) === true;
      assert(
        inBucket || session.isClosing,
        `open session ${hex(session.sessionId)} is in no expiry bucket`,
      );
    }
  }

  /**
   * ZooKeeper: ExpiryQueue.update / roundToNextInterval — the next tick boundary strictly after
   * now + timeout, so expiry comes between timeout and timeout + tick after the touch.
   */
  private deadlineOf(session: Session, nowMs: number): number {
    return (Math.floor((nowMs + session.timeoutMs) / this.tickMs) + 1) * this.tickMs;
  }

  private moveToBucket(session: Session, nowMs: number): void {
    const deadline = this.deadlineOf(session, nowMs);
    if (this.buckets.get(session.expiresAtMs)?.has(session.sessionId) === true) {
      if (deadline === session.expiresAtMs) return;
      this.buckets.get(session.expiresAtMs)?.delete(session.sessionId);
      if (this.buckets.get(session.expiresAtMs)?.size === 0) {
        this.buckets.delete(session.expiresAtMs);
      }
    }
    let bucket = this.buckets.get(deadline);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(deadline, bucket);
    }
    bucket.add(session.sessionId);
    session.expiresAtMs = deadline;
  }
}

/**
 * ZooKeeper: SessionTrackerImpl.initializeNextSessionId — `((ms << 24) >>> 8) | (id << 56)`:
 * server id in the top byte, the low 40 bits of the clock below it, a 16-bit counter at the end.
 */
export function initialSessionId(serverId: number, startMs: number): bigint {
  const timeBits = (BigInt.asUintN(64, BigInt(startMs) << 24n) >> 8n) & ((1n << 56n) - 1n);
  return BigInt.asIntN(64, timeBits | (BigInt(serverId) << 56n));
}

/**
 * The timeout a session gets (ZooKeeper: ZooKeeperServer.processConnectRequest): raised to the
 * minimum first, then lowered to the maximum.
 */
export function negotiateTimeout(requestedMs: number, minMs: number, maxMs: number): number {
  let timeoutMs = requestedMs;
  if (timeoutMs < minMs) timeoutMs = minMs;
  if (timeoutMs > maxMs) timeoutMs = maxMs;
  return timeoutMs;
}

function compareBigint(left: bigint, right: bigint): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function hex(value: bigint): string {
  return `0x${BigInt.asUintN(64, value).toString(16)}`;
}
