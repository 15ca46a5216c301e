// Checks that the znode operations of a history are linearizable, one znode at a time, with the
// Wing & Gong search and Lowe's memoization (WGL, as in Porcupine and Knossos) over the register
// model. Plain reads are left out: ZooKeeper serves them from one server (sequential consistency).

import { assert } from '@zoo/client/protocol';
import type { RegisterState, Violation, ZnodeOp } from '../history/history.js';
import {
  describeRegisterState,
  describeZnodeOp,
  constrainsRegister,
  observableStateKey,
  seenDataOf,
  stateEquals,
  step,
  twinClassOf,
} from './register-model.js';

export { describeZnodeOp };

export interface LinearizabilityOptions {
  /**
   * Search steps allowed per znode (each tries one op in one configuration, or backtracks)
   * before the check gives up and reports the znode as inconclusive.
   */
  maxStatesPerKey?: number;
}

export const linearizabilityStatesPerKeyMaxDefault = 2_000_000;

const checkerName = 'linearizability';
const prefixIdsShownMax = 20;
const prefixOpsDescribedMax = 5;
const concurrentOpsDescribedMax = 10;

/**
 * Checks every znode (`call.path`) on its own: linearizability is compositional, so the history
 * is linearizable iff each znode's sub-history is. Each znode starts absent. Returns one
 * violation per znode that is not linearizable or whose search ran out of budget.
 */
export function checkLinearizability(
  ops: readonly ZnodeOp[],
  options: LinearizabilityOptions = {},
): Violation[] {
  const budget = options.maxStatesPerKey ?? linearizabilityStatesPerKeyMaxDefault;
  assert(budget > 0, `maxStatesPerKey must be positive, got ${budget}`);
  const byPath = new Map<string, ZnodeOp[]>();
  for (const op of ops) {
    // A plain read is only sequentially consistent; the sequential checker judges it.
    if (op.call.kind === 'read' || !constrainsRegister(op)) continue;
    const group = byPath.get(op.call.path);
    if (group === undefined) byPath.set(op.call.path, [op]);
    else group.push(op);
  }
  const violations: Violation[] = [];
  for (const [path, group] of byPath) {
    const result = new WglSearch(group).run(budget);
    if (result.type !== 'linearizable') violations.push(violationOf(path, group, result));
  }
  return violations;
}

type SearchResult =
  | { type: 'linearizable' }
  | { type: 'violation'; best: BestPrefix }
  | { type: 'inconclusive'; best: BestPrefix; budget: number };

/** The longest linearizable prefix the search reached, and the op that then could not go. */
interface BestPrefix {
  order: ZnodeOp[];
  state: RegisterState;
  stuck: ZnodeOp | null;
}

/** An invocation or a response of a definite op, in the time-ordered list WGL walks. */
interface Entry {
  isCall: boolean;
  atMs: number;
  /** The op's index in the key's op list. */
  index: number;
  /** A call's response. */
  match: Entry | null;
  prev: Entry | null;
  next: Entry | null;
}

/**
 * A choice on the search stack: a definite op's call, or the unknown op at `unknownAt` (with
 * the pending response that stopped the walk, to resume after). Immutable and linked to the
 * one below, so keeping the best stack costs one reference.
 */
interface Choice {
  /** The op's index in the key's op list. */
  index: number;
  below: Choice | null;
  depth: number;
  before: RegisterState;
  call: Entry | null;
  unknownAt: number;
  response: Entry | null;
  /** A definite op that left the state as it was. */
  isNoOp: boolean;
}

type Place = Pick<Choice, 'call' | 'unknownAt' | 'response'>;

/**
 * WGL over one znode's ops. Unknown ops never return, so they stay out of the list: a walk
 * tries the definite calls before the first pending response, then the unknown ops invoked by
 * then (trying them last finds an unknown op applied late, or never, with little backtracking;
 * the order of tries does not change what the search reaches). A configuration is the set of
 * linearized ops and the state; one is skipped when a seen one had the same definite ops and
 * state and a subset of its unknown ops: the seen one can do all it can (Lowe's memo, widened).
 */
class WglSearch {
  private readonly head = entryOf({ isCall: false, atMs: -Infinity, index: -1 });
  private readonly seenData: Set<string>;
  /** Indices of the unknown ops, by invocation time. */
  private readonly unknowns: number[] = [];
  /** Per unknown op: the index of the last earlier unknown op interchangeable with it, or -1. */
  private readonly twinBefore: number[] = [];
  /** Per op: its bit in `definiteBits` or (unknown ops) `unknownBits`. */
  private readonly bitOf: number[] = [];
  /** The linearized sets as 16-bit words (the definite one's string form keys the memo). */
  private readonly definiteBits: number[];
  private readonly unknownBits: number[];
  /** Per definite set and state: the unknown sets seen with them. */
  private readonly memo = new Map<string, number[][]>();
  private top: Choice | null = null;
  private state: RegisterState = null;
  private definitePending = 0;
  /** The walk's next entry, or (when it met a pending response) the next unknown to try. */
  private cursor: Entry | null = null;
  private blocked: { response: Entry; next: number } | null = null;
  private best: { top: Choice | null; state: RegisterState; stuck: ZnodeOp | null };

  constructor(private readonly ops: readonly ZnodeOp[]) {
    this.seenData = seenDataOf(ops);
    this.linkEntries();
    this.definiteBits = new Array<number>(Math.ceil(this.definitePending / 16)).fill(0);
    this.unknownBits = new Array<number>(Math.ceil(this.unknowns.length / 16)).fill(0);
    this.cursor = this.head.next;
    this.best = { top: null, state: null, stuck: null };
  }

  run(budget: number): SearchResult {
    for (let explored = 1; this.definitePending > 0; explored += 1) {
      if (explored > budget) return { type: 'inconclusive', best: this.bestPrefix(), budget };
      if (!this.advance()) return { type: 'violation', best: this.bestPrefix() };
    }
    return { type: 'linearizable' };
  }

  /** One step of the search; false when every choice is exhausted. */
  private advance(): boolean {
    const blocked = this.blocked;
    if (blocked === null) return this.advanceWalk();
    const unknownAt = blocked.next;
    const index = this.unknowns[unknownAt];
    if (index === undefined || this.opAt(index).invokeMs > blocked.response.atMs) {
      return this.backtrack(blocked.response);
    }
    blocked.next += 1;
    if (this.isLinearized(index)) return true;
    // Of interchangeable unknown ops, a linearization can always use the earliest-invoked first.
    const twin = this.twinBefore[unknownAt] ?? -1;
    if (twin !== -1 && !this.isLinearized(twin)) return true;
    const next = this.tryLinearize(index);
    if (next === undefined) return true;
    this.push(index, { call: null, unknownAt, response: blocked.response }, next);
    return true;
  }

  private advanceWalk(): boolean {
    const entry = this.cursor;
    // A pending definite op's response is always in the list, after its call.
    assert(entry !== null, 'WGL walked off the list with definite ops pending');
    if (!entry.isCall) {
      this.blocked = { response: entry, next: 0 };
      return true;
    }
    const next = this.tryLinearize(entry.index);
    if (next === undefined) {
      this.cursor = entry.next;
      return true;
    }
    lift(entry);
    this.definitePending -= 1;
    this.push(entry.index, { call: entry, unknownAt: -1, response: null }, next);
    return true;
  }

  private push(index: number, where: Place, next: RegisterState): void {
    const below = this.top;
    const { call, unknownAt, response } = where;
    const depth = (below?.depth ?? 0) + 1;
    const isNoOp = call !== null && stateEquals(next, this.state);
    this.top = { index, below, depth, isNoOp, before: this.state, call, unknownAt, response };
    this.state = next;
    this.cursor = this.head.next;
    this.blocked = null;
    if (depth > (this.best.top?.depth ?? 0))
      this.best = { top: this.top, state: next, stuck: null };
  }

  private bestPrefix(): BestPrefix {
    const order: ZnodeOp[] = [];
    for (let choice = this.best.top; choice !== null; choice = choice.below)
      order.push(this.opAt(choice.index));
    return { order: order.reverse(), state: this.best.state, stuck: this.best.stuck };
  }

  /** Undoes the latest choice worth undoing; false when there is none left. */
  private backtrack(response: Entry): boolean {
    // The first response met at the best depth is met in the best configuration itself.
    if (this.top === this.best.top && this.best.stuck === null) {
      this.best.stuck = this.opAt(response.index);
    }
    for (let choice = this.top; choice !== null; choice = this.top) {
      this.undo(choice);
      // A definite op that changed nothing was placed as soon as it fit: the configuration
      // with it placed can do all that the one before could, so that one failed too.
      if (!choice.isNoOp) return true;
    }
    return false;
  }

  private undo(choice: Choice): void {
    this.top = choice.below;
    this.state = choice.before;
    if (choice.call === null) {
      assert(choice.response !== null, 'an unknown op chosen with no response to resume at');
      this.setBit(choice.index, false);
      this.blocked = { response: choice.response, next: choice.unknownAt + 1 };
      return;
    }
    this.setBit(choice.call.index, false);
    unlift(choice.call);
    this.definitePending += 1;
    this.cursor = choice.call.next;
    this.blocked = null;
  }

  /** The state after linearizing op `index` now, if that is possible and adds something. */
  private tryLinearize(index: number): RegisterState | undefined {
    const op = this.opAt(index);
    const state = this.state;
    const next = step(state, op.call, op.outcome);
    if (next === undefined) return undefined;
    // An unknown op that would change nothing is better left out: leaving it out allows every
    // continuation that linearizing it here would, and it may still take effect later.
    if (op.outcome.type === 'unknown' && stateEquals(next, state)) return undefined;
    this.setBit(index, true);
    if (this.isNewConfiguration(next)) return next;
    this.setBit(index, false);
    return undefined;
  }

  /** Records the current sets with `state`, unless a configuration at least as free was seen. */
  private isNewConfiguration(state: RegisterState): boolean {
    const definite = String.fromCharCode.apply(null, this.definiteBits);
    const key = `${definite}\u0001${observableStateKey(state, this.seenData)}`;
    const seen = this.memo.get(key);
    if (seen?.some((used) => isSubset(used, this.unknownBits)) === true) return false;
    const used = this.unknownBits.slice();
    if (seen === undefined) this.memo.set(key, [used]);
    else seen.push(used);
    return true;
  }

  private opAt(index: number): ZnodeOp {
    const op = this.ops[index];
    assert(op !== undefined, `no op at index ${index}`);
    return op;
  }

  private bitsOf(index: number): number[] {
    return this.opAt(index).outcome.type === 'unknown' ? this.unknownBits : this.definiteBits;
  }

  private isLinearized(index: number): boolean {
    const bit = this.bitOf[index] ?? 0;
    return ((this.bitsOf(index)[bit >>> 4] ?? 0) & (1 << (bit & 15))) !== 0;
  }

  private setBit(index: number, isSet: boolean): void {
    const bits = this.bitsOf(index);
    const bit = this.bitOf[index] ?? 0;
    const mask = 1 << (bit & 15);
    const value = bits[bit >>> 4] ?? 0;
    bits[bit >>> 4] = isSet ? value | mask : value & ~mask;
  }

  /** Builds the list: by time, and at equal times calls before responses (so they overlap). */
  private linkEntries(): void {
    const entries: Entry[] = [];
    this.ops.forEach((op, index) => {
      if (op.outcome.type === 'unknown') {
        this.bitOf.push(this.unknowns.push(index) - 1);
        return;
      }
      this.bitOf.push(entries.length / 2);
      const completeMs = op.outcome.completeMs;
      assert(completeMs >= op.invokeMs, () => `op ends before it starts: ${describeZnodeOp(op)}`);
      const call = entryOf({ isCall: true, atMs: op.invokeMs, index });
      const response = entryOf({ isCall: false, atMs: completeMs, index });
      call.match = response;
      entries.push(call, response);
    });
    this.definitePending = entries.length / 2;
    this.unknowns.sort((a, b) => this.opAt(a).invokeMs - this.opAt(b).invokeMs || a - b);
    const lastOfClass = new Map<string, number>();
    for (const index of this.unknowns) {
      const twinClass = twinClassOf(this.opAt(index).call, this.seenData);
      this.twinBefore.push(twinClass === null ? -1 : (lastOfClass.get(twinClass) ?? -1));
      if (twinClass !== null) lastOfClass.set(twinClass, index);
    }
    entries.sort((a, b) => a.atMs - b.atMs || +b.isCall - +a.isCall || a.index - b.index);
    let last = this.head;
    for (const entry of entries) {
      last.next = entry;
      entry.prev = last;
      last = entry;
    }
  }
}

function isSubset(words: readonly number[], of: readonly number[]): boolean {
  return words.every((word, i) => (word & ~(of[i] ?? 0)) === 0);
}

function entryOf(fields: { isCall: boolean; atMs: number; index: number }): Entry {
  // One literal shape for every entry keeps property access monomorphic (a spread would not).
  const { isCall, atMs, index } = fields;
  return { isCall, atMs, index, match: null, prev: null, next: null };
}

/** Removes a call and its response from the list (the op is linearized). */
function lift(call: Entry): void {
  unlink(call);
  if (call.match !== null) unlink(call.match);
}

/** Puts back what `lift` removed, in reverse order, so every neighbour pointer is restored. */
function unlift(call: Entry): void {
  if (call.match !== null) relink(call.match);
  relink(call);
}

function unlink(entry: Entry): void {
  assert(entry.prev !== null, 'unlinking an entry with no predecessor');
  entry.prev.next = entry.next;
  if (entry.next !== null) entry.next.prev = entry.prev;
}

function relink(entry: Entry): void {
  assert(entry.prev !== null, 'relinking an entry with no predecessor');
  entry.prev.next = entry;
  if (entry.next !== null) entry.next.prev = entry;
}

function violationOf(
  path: string,
  ops: readonly ZnodeOp[],
  result: Exclude<SearchResult, { type: 'linearizable' }>,
): Violation {
  const best = result.best;
  const headline =
    result.type === 'inconclusive'
      ? `${path}: linearizability inconclusive: the search gave up after ${result.budget} ` +
        `steps over ${ops.length} ops (maxStatesPerKey)`
      : `${path} is not linearizable: no order of its ${ops.length} ops (plain reads excluded) ` +
        `places ${best.stuck === null ? 'every op' : `#${best.stuck.id}`}`;
  const ids = best.order.map((op) => `#${op.id}`);
  const shownIds = ids.slice(-prefixIdsShownMax).join(' ');
  const lines = [
    headline,
    `  longest linearizable prefix (${ids.length} ops): ` +
      (ids.length > prefixIdsShownMax ? `… ${shownIds}` : shownIds || '(empty)'),
    `  state after it: ${describeRegisterState(best.state)}`,
  ];
  const lastOps = best.order.slice(-prefixOpsDescribedMax);
  if (lastOps.length > 0) lines.push('  its last ops:', ...lastOps.map(indent));
  if (best.stuck !== null) {
    lines.push('  could not place:', indent(best.stuck));
    // The ops that could have gone before it: outside the prefix, invoked before it returned.
    const placed = new Set(best.order);
    const { stuck } = best;
    const deadlineMs = stuck.outcome.type === 'unknown' ? Infinity : stuck.outcome.completeMs;
    const others = ops.filter((o) => o !== stuck && !placed.has(o) && o.invokeMs <= deadlineMs);
    if (others.length > 0) {
      lines.push('  other ops that could go first:');
      lines.push(...others.slice(0, concurrentOpsDescribedMax).map(indent));
    }
  }
  return { checker: checkerName, message: lines.join('\n') };
}

function indent(op: ZnodeOp): string {
  return `    ${describeZnodeOp(op)}`;
}
