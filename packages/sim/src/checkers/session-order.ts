// The session checker: one ZooKeeper session answers in the order it asked (FIFO), never shows
// a zxid older than one it already saw (also across failover) and reads its own writes; and
// every read returns data some write really wrote. Reads the client ops of a run, nothing else.

import type { Violation, ZnodeOp } from '../history/history.js';
import { formatZxid } from './zab-invariants.js';

const checker = 'session';

type OkOp = ZnodeOp & { outcome: Extract<ZnodeOp['outcome'], { type: 'ok' }> };

function isOk(op: ZnodeOp): op is OkOp {
  return op.outcome.type === 'ok';
}

function isWrite(op: ZnodeOp): boolean {
  return op.call.kind === 'create' || op.call.kind === 'set' || op.call.kind === 'delete';
}

function violation(rule: string, message: string): Violation {
  return { checker, message: `${rule}: ${message}` };
}

function describeOp(op: ZnodeOp): string {
  return `op #${op.id} (${op.call.kind} ${op.call.path}, invoked ${op.invokeMs}ms)`;
}

function describeSession(op: ZnodeOp): string {
  const id = op.sessionId === null ? 'none' : formatZxid(op.sessionId);
  return `session ${id} (process ${op.process})`;
}

/** Each session's ops in invoke order (ties: by op id, the order the client issued them). */
function sessions(ops: readonly ZnodeOp[]): ZnodeOp[][] {
  const bySession = new Map<string, ZnodeOp[]>();
  for (const op of ops) {
    if (op.sessionId === null) continue;
    const key = `${op.process}/${op.sessionId}`;
    const list = bySession.get(key) ?? [];
    list.push(op);
    bySession.set(key, list);
  }
  const invokeOrder = (a: ZnodeOp, b: ZnodeOp): number => a.invokeMs - b.invokeMs || a.id - b.id;
  return [...bySession.values()].map((list) => list.sort(invokeOrder));
}

// ZooKeeper: Programmer's Guide "Consistency Guarantees" — sequential consistency: a client's
// requests are applied and answered in the order it sent them (one TCP connection, FIFO).
function checkFifo(session: readonly ZnodeOp[]): Violation[] {
  const out: Violation[] = [];
  let latest: { op: ZnodeOp; completeMs: number } | null = null;
  for (const op of session) {
    if (op.outcome.type === 'unknown') continue;
    const { completeMs } = op.outcome;
    if (latest !== null && completeMs < latest.completeMs) {
      out.push(
        violation(
          'FIFO',
          `${describeSession(op)}: ${describeOp(op)} completed at ${completeMs}ms, before ` +
            `the earlier ${describeOp(latest.op)} which completed at ${latest.completeMs}ms`,
        ),
      );
      continue;
    }
    latest = { op, completeMs };
  }
  return out;
}

// ZooKeeper: "single system image" — a client never sees an older view, even after failing over
// (the server refuses a client whose lastZxidSeen is ahead of it). Per path, the mzxid a session
// observes (reads and writes that report one) never goes backwards; after its own write it reads
// at least that write's mzxid.
function checkMonotonicZxids(session: readonly ZnodeOp[]): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, { mzxid: bigint; op: ZnodeOp }>();
  for (const op of session) {
    if (!isOk(op)) continue;
    const mzxid = op.outcome.value.mzxid;
    if (mzxid === undefined || mzxid === null) continue;
    const last = seen.get(op.call.path);
    if (last !== undefined && mzxid < last.mzxid) {
      const rule = isWrite(last.op) && !isWrite(op) ? 'ReadYourWrites' : 'MonotonicReads';
      out.push(
        violation(
          rule,
          `${describeSession(op)}: ${describeOp(op)} saw mzxid ${formatZxid(mzxid)} after ` +
            `${describeOp(last.op)} had seen ${formatZxid(last.mzxid)}`,
        ),
      );
      continue;
    }
    seen.set(op.call.path, { mzxid, op });
  }
  return out;
}

/** The data version a write of `data` leaves: exact, or only a lower bound for a blind set. */
function versionWritten(write: ZnodeOp): { exact: number } | { atLeast: number } {
  const { call, outcome } = write;
  if (call.kind === 'create') return { exact: 0 };
  if (outcome.type === 'ok' && outcome.value.version !== undefined) {
    return { exact: outcome.value.version };
  }
  // ZooKeeper: PrepRequestProcessor — a conditional set succeeds only at expectedVersion and
  // leaves expectedVersion + 1; a blind (-1) set leaves at least version 1.
  if (call.kind === 'set' && call.expectedVersion >= 0) return { exact: call.expectedVersion + 1 };
  return { atLeast: 1 };
}

function dataOf(op: ZnodeOp): string | null {
  return op.call.kind === 'create' || op.call.kind === 'set' ? op.call.data : null;
}

// Every present state a read returns was written by a create/set that did not definitely fail
// (data is unique per write), on that path, invoked before the read completed, at the version
// that write produced.
function checkReadIntegrity(ops: readonly ZnodeOp[]): Violation[] {
  const writes = new Map<string, ZnodeOp>();
  for (const op of ops) {
    const data = dataOf(op);
    if (data !== null && (!writes.has(data) || writes.get(data)?.outcome.type === 'fail')) {
      writes.set(data, op);
    }
  }
  const out: Violation[] = [];
  for (const read of ops) {
    if (read.call.kind !== 'read' && read.call.kind !== 'syncRead') continue;
    if (!isOk(read)) continue;
    const state = read.outcome.value.state;
    if (state === undefined || state === null) continue;
    const problem = readProblem({ read, state, write: writes.get(state.data) });
    if (problem !== null) {
      out.push(
        violation('ReadIntegrity', `${describeOp(read)} by process ${read.process} ${problem}`),
      );
    }
  }
  return out;
}

function readProblem(seen: {
  read: OkOp;
  state: { data: string; version: number };
  write: ZnodeOp | undefined;
}): string | null {
  const { read, state, write } = seen;
  const saw = `saw data '${state.data}' at version ${state.version}`;
  if (write === undefined) return `${saw}, which no create or set wrote`;
  if (write.outcome.type === 'fail') {
    return `${saw}, which only ${describeOp(write)} wrote, and it failed (${write.outcome.code})`;
  }
  if (write.call.path !== read.call.path) return `${saw}, which ${describeOp(write)} wrote`;
  if (write.invokeMs > read.outcome.completeMs) {
    return `${saw} from ${describeOp(write)}, invoked after the read completed`;
  }
  const version = versionWritten(write);
  if ('exact' in version && version.exact !== state.version) {
    return `${saw}, but ${describeOp(write)} left it at version ${version.exact}`;
  }
  if ('atLeast' in version && state.version < version.atLeast) {
    return `${saw}, but ${describeOp(write)} left it at version ${version.atLeast} or more`;
  }
  return null;
}

/**
 * Checks per-session order (FIFO completions, monotonic mzxids per path, read-your-writes) for
 * ops with a session, and read integrity for every ok read.
 */
export function checkSessionOrder(ops: readonly ZnodeOp[]): Violation[] {
  const out: Violation[] = [];
  for (const session of sessions(ops)) {
    out.push(...checkFifo(session), ...checkMonotonicZxids(session));
  }
  out.push(...checkReadIntegrity(ops));
  return out;
}
