// The sequential specification of one znode (a leaf whose parent always exists) as a versioned
// register: what each call does and answers, whether an observed outcome fits, and how ops print.
// The linearizability checker searches over `step`; it is pure and knows nothing of time.

import { ErrorCode, errorCodeName } from '@zoo/client/protocol';
import type {
  Outcome,
  RegisterState,
  ZnodeCall,
  ZnodeOp,
  ZnodeOpValue,
} from '../history/history.js';

/** What a call answers when applied to a state, as a sequential ZooKeeper would. */
export type ModelResult = { type: 'ok'; value: ZnodeOpValue } | { type: 'fail'; code: number };

export interface ModelTransition {
  /** The state after the call (the same object when the call changed nothing). */
  next: RegisterState;
  result: ModelResult;
}

/** The version argument that matches any data version. */
export const anyVersion = -1;

/**
 * The codes whose occurrence the state decides: the model must predict them exactly. Any other
 * failure code (NoAuth, NotEmpty, …) says the op did nothing, so it fits every state.
 */
const stateDecidedCodes: ReadonlySet<number> = new Set([
  ErrorCode.NoNode,
  ErrorCode.NodeExists,
  ErrorCode.BadVersion,
]);

export function isStateDecidedCode(code: number): boolean {
  return stateDecidedCodes.has(code);
}

function versionMatches(state: { version: number }, expectedVersion: number): boolean {
  return expectedVersion === anyVersion || expectedVersion === state.version;
}

function fail(state: RegisterState, code: number): ModelTransition {
  return { next: state, result: { type: 'fail', code } };
}

/** Applies `call` to `state` sequentially and says what ZooKeeper would answer. */
export function applyCall(state: RegisterState, call: ZnodeCall): ModelTransition {
  switch (call.kind) {
    case 'create': {
      if (state !== null) return fail(state, ErrorCode.NodeExists);
      const next = { data: call.data, version: 0 };
      return { next, result: { type: 'ok', value: { version: 0, state: next } } };
    }
    case 'set': {
      // ZooKeeper: PrepRequestProcessor — the node is looked up (NoNode) before
      // checkAndIncVersion (BadVersion), so an absent node answers NoNode whatever the version.
      if (state === null) return fail(state, ErrorCode.NoNode);
      if (!versionMatches(state, call.expectedVersion)) return fail(state, ErrorCode.BadVersion);
      const next = { data: call.data, version: state.version + 1 };
      return { next, result: { type: 'ok', value: { version: next.version, state: next } } };
    }
    case 'delete': {
      // ZooKeeper: PrepRequestProcessor — NoNode, then BadVersion (a leaf is never NotEmpty).
      if (state === null) return fail(state, ErrorCode.NoNode);
      if (!versionMatches(state, call.expectedVersion)) return fail(state, ErrorCode.BadVersion);
      return { next: null, result: { type: 'ok', value: { state: null } } };
    }
    case 'read':
    case 'syncRead': {
      if (state === null) return fail(state, ErrorCode.NoNode);
      return { next: state, result: { type: 'ok', value: { version: state.version, state } } };
    }
    case 'check': {
      // ZooKeeper: PrepRequestProcessor (OpCode.check) — NoNode, then BadVersion.
      if (state === null) return fail(state, ErrorCode.NoNode);
      if (!versionMatches(state, call.expectedVersion)) return fail(state, ErrorCode.BadVersion);
      return { next: state, result: { type: 'ok', value: {} } };
    }
  }
}

export function stateEquals(a: RegisterState, b: RegisterState): boolean {
  if (a === null || b === null) return a === b;
  return a.data === b.data && a.version === b.version;
}

/** Whether the values an ok outcome states agree with the model's (absent fields: unchecked). */
function okValueFits(expected: ModelTransition, call: ZnodeCall, observed: ZnodeOpValue): boolean {
  const isRead = call.kind === 'read' || call.kind === 'syncRead';
  if (expected.result.type === 'fail') {
    // A read that reports "absent" as an ok answer with a null state says the same as NoNode.
    return isRead && expected.next === null && observed.state === null;
  }
  const value = expected.result.value;
  if (observed.version !== undefined && value.version !== undefined) {
    if (observed.version !== value.version) return false;
  }
  if (observed.state !== undefined && value.state !== undefined) {
    if (!stateEquals(observed.state, value.state)) return false;
  }
  return true;
}

/**
 * The state after the op, if the op can take effect in `state` with the outcome its client saw;
 * `undefined` when that outcome is impossible in `state`. An `unknown` op is unconstrained: it
 * applies its effect when its precondition holds and is a no-op otherwise. (Whether it takes
 * effect at all is the search's choice: it may leave the op out.) `mzxid` is not checked here.
 */
export function step(
  state: RegisterState,
  call: ZnodeCall,
  outcome: Outcome<ZnodeOpValue>,
): RegisterState | undefined {
  const expected = applyCall(state, call);
  switch (outcome.type) {
    case 'unknown':
      return expected.next;
    case 'fail': {
      if (!isStateDecidedCode(outcome.code)) return state;
      const result = expected.result;
      return result.type === 'fail' && result.code === outcome.code ? state : undefined;
    }
    case 'ok':
      return okValueFits(expected, call, outcome.value) ? expected.next : undefined;
  }
}

/** Whether an op can constrain the register's history; the others fit anywhere, doing nothing. */
export function constrainsRegister(op: ZnodeOp): boolean {
  const outcome = op.outcome;
  // An unknown read has no effect and tells nothing.
  if (outcome.type === 'unknown') {
    return op.call.kind !== 'syncRead' && op.call.kind !== 'read' && op.call.kind !== 'check';
  }
  // A failure the state does not decide (NoAuth, …) is a no-op that fits every state.
  if (outcome.type === 'fail') return isStateDecidedCode(outcome.code);
  return true;
}

/** The data that some definite op saw (an ok read's state): only such data can be told apart. */
export function seenDataOf(ops: readonly ZnodeOp[]): Set<string> {
  const seen = new Set<string>();
  for (const op of ops) {
    const state = op.outcome.type === 'ok' ? op.outcome.value.state : undefined;
    if (state !== undefined && state !== null) seen.add(state.data);
  }
  return seen;
}

/**
 * A key equal for states no op can tell apart: data no definite op saw matters to no step (only
 * reads look at data, and a read of it would fail in either state), so it is left out.
 */
export function observableStateKey(state: RegisterState, seenData: ReadonlySet<string>): string {
  if (state === null) return '-';
  return seenData.has(state.data) ? `${state.version}:${state.data}` : `${state.version}?`;
}

/**
 * What an unknown call does, up to data no one saw: calls with the same class act alike, so a
 * search may use them in one fixed order. Null: the call has no twin (its data was seen).
 */
export function twinClassOf(call: ZnodeCall, seenData: ReadonlySet<string>): string | null {
  switch (call.kind) {
    case 'create':
      return seenData.has(call.data) ? null : 'create';
    case 'set':
      return seenData.has(call.data) ? null : `set ${call.expectedVersion}`;
    case 'delete':
      return `delete ${call.expectedVersion}`;
    case 'check':
      return `check ${call.expectedVersion}`;
    case 'read':
    case 'syncRead':
      return call.kind;
  }
}

/** One line per op: `#12 c3 set /k1 "c3-7" v=2 → ok v=3 [1200..1350]`. */
export function describeZnodeOp(op: ZnodeOp): string {
  const end = op.outcome.type === 'unknown' ? '∞' : String(op.outcome.completeMs);
  const interval = `[${op.invokeMs}..${end}]`;
  return `#${op.id} c${op.process} ${describeCall(op.call)} → ${describeOutcome(op)} ${interval}`;
}

function describeCall(call: ZnodeCall): string {
  switch (call.kind) {
    case 'create':
      return `create ${call.path} ${JSON.stringify(call.data)}`;
    case 'set':
      return `set ${call.path} ${JSON.stringify(call.data)} v=${call.expectedVersion}`;
    case 'delete':
    case 'check':
      return `${call.kind} ${call.path} v=${call.expectedVersion}`;
    case 'read':
    case 'syncRead':
      return `${call.kind} ${call.path}`;
  }
}

export function describeRegisterState(state: RegisterState): string {
  return state === null ? 'absent' : `${JSON.stringify(state.data)} v=${state.version}`;
}

function describeOutcome(op: ZnodeOp): string {
  const outcome = op.outcome;
  switch (outcome.type) {
    case 'fail':
      return `fail ${errorCodeName(outcome.code)}`;
    case 'unknown':
      return `unknown (${outcome.reason})`;
    case 'ok': {
      const { state, version } = outcome.value;
      const isRead = op.call.kind === 'read' || op.call.kind === 'syncRead';
      if (isRead && state !== undefined) return `ok ${describeRegisterState(state)}`;
      return version === undefined ? 'ok' : `ok v=${version}`;
    }
  }
}
