// Where Debian's Apache ZooKeeper 3.8.0 (the oracle) and Zoo (which follows the latest 3.8.x)
// may differ. Each entry is gated: it matches only its exact pattern and is counted and printed,
// never silently absorbed. Anything else that differs fails the differential test.
// The list comes from `git diff release-3.8.0-1 release-3.8.6` of the request path in
// apache/zookeeper (FinalRequestProcessor, MultiOperationRecord, Op, DataTree, Request).

import type { CreateRequest, Request } from './protocol.js';
import type { NormalizedOutcome } from './diff-normalize.js';
import {
  hasContainerOp,
  isCreate2StatCase,
  isDecodeRefusalCase,
  isSkippedZxidCase,
  type FieldCaseInput,
} from './known-field-differences.js';

export interface ReconcileInput {
  /** The request with the run's base replaced by `@`. */
  request: Request;
  apache: NormalizedOutcome;
  zoo: NormalizedOutcome;
}

export interface KnownDifference {
  id: string;
  /** The ZooKeeper change that introduced the newer behaviour Zoo follows. */
  zookeeper: string;
  /**
   * 'patched': the Zoo outcome is rewritten to the oracle's when exactly this pattern shows.
   * 'notGenerated': the difference changes the tree (or kills the oracle), so the generator
   * never sends that request; the entry documents why.
   */
  gate: 'patched' | 'notGenerated';
  description: string;
  /** The Zoo outcome rewritten to the oracle's, or null when the pattern does not match. */
  reconcile(input: ReconcileInput): NormalizedOutcome | null;
  /** True when a case of the generated field test shows exactly this difference. */
  isFieldCase?(input: FieldCaseInput): boolean;
  /** True when a case of differential-corners.test.ts shows exactly this difference. */
  isCornerCase?(input: CornerCaseInput): boolean;
}

/** One case of differential-corners.test.ts: the frames in words, and whether it closed. */
export interface CornerCaseInput {
  name: string;
  apache: { frames: string[]; isClosedByServer: boolean };
  zoo: { frames: string[]; isClosedByServer: boolean };
}

const noAuth = -102;
const marshallingError = -5;
const badArguments = -8;

interface MultiBody {
  type: 'multi';
  results: unknown[];
}

function isMultiBody(body: unknown): body is MultiBody {
  if (typeof body !== 'object' || body === null) return false;
  const record = body as { type?: unknown; results?: unknown };
  return record.type === 'multi' && Array.isArray(record.results);
}

function createResultStat(result: unknown): 'none' | 'stat' | 'other' {
  if (typeof result !== 'object' || result === null) return 'other';
  const record = result as { type?: unknown; stat?: unknown };
  if (record.type !== 'create') return 'other';
  return record.stat === null ? 'none' : 'stat';
}

/** A create op 1, 15 or 19 whose flags are not a CreateMode. */
const isInvalidFlagsCreate = (op: CreateRequest): boolean =>
  op.variant !== 'createTTL' && (op.flags < 0 || op.flags > 6);

/** A create op 1, 15 or 19 with TTL flags but no ttl on the wire. */
const isTtlFlagsOnPlainCreate = (op: CreateRequest): boolean =>
  op.variant !== 'createTTL' && (op.flags === 5 || op.flags === 6);

/** The index and code of the first failed op in a multi answer, or null. */
function firstFailure(body: unknown): { index: number; err: unknown } | null {
  if (!isMultiBody(body)) return null;
  const index = body.results.findIndex((result) => {
    const record = result as { type?: unknown; err?: unknown };
    return record.type === 'error' && record.err !== 0;
  });
  if (index < 0) return null;
  return { index, err: (body.results[index] as { err?: unknown }).err };
}

/**
 * 3.8.2+ refuses the whole multi while decoding it (MarshallingError) when an op matches
 * `isSuspect`; 3.8.0 decodes it and fails op by op, so its first failure comes no later than
 * that op (at the op itself only with BadArguments, when `mayFailAtSuspect`).
 */
function isDecodeRefusal(
  { request, apache, zoo }: ReconcileInput,
  isSuspect: (op: CreateRequest) => boolean,
  mayFailAtSuspect: boolean,
): boolean {
  if (request.type !== 'multi' || zoo.err !== marshallingError || zoo.body !== null) return false;
  const suspect = request.ops.findIndex((op) => op.type === 'create' && isSuspect(op));
  const failure = firstFailure(apache.body);
  if (suspect < 0 || apache.err !== 0 || failure === null) return false;
  if (failure.index < suspect) return true;
  return mayFailAtSuspect && failure.index === suspect && failure.err === badArguments;
}

/** ZooKeeper 3.8.0 answered a failed request where 3.8.2+ answers results, or the reverse. */
const takeApacheAnswer = (
  apache: NormalizedOutcome,
  zoo: NormalizedOutcome,
): NormalizedOutcome => ({ ...zoo, err: apache.err, body: apache.body });

function dropCreate2Stats({ request, apache, zoo }: ReconcileInput): NormalizedOutcome | null {
  if (request.type !== 'multi' || !isMultiBody(apache.body) || !isMultiBody(zoo.body)) {
    return null;
  }
  const apacheResults = apache.body.results;
  let isChanged = false;
  const results = zoo.body.results.map((result, index) => {
    const op = request.ops[index];
    const isCreate2 = op?.type === 'create' && op.variant === 'create2';
    if (!isCreate2 || createResultStat(apacheResults[index]) !== 'none') return result;
    if (createResultStat(result) !== 'stat') return result;
    isChanged = true;
    return { ...(result as object), stat: null };
  });
  return isChanged ? { ...zoo, body: { type: 'multi', results } } : null;
}

export const knownDifferences: readonly KnownDifference[] = [
  {
    id: 'exists-requires-read',
    zookeeper: 'ZOOKEEPER-2590, in 3.8.4 and 3.9.2',
    gate: 'patched',
    description:
      'exists on a node the caller cannot READ: 3.8.0 answers the stat (and registers the ' +
      'watch); later releases answer NoAuth and register nothing.',
    reconcile: ({ request, apache, zoo }) =>
      request.type === 'exists' && apache.err === 0 && zoo.err === noAuth && zoo.body === null
        ? takeApacheAnswer(apache, zoo)
        : null,
  },
  {
    id: 'multi-create2-stat',
    zookeeper: 'ZOOKEEPER-4026, in 3.8.2 and 3.9.0',
    gate: 'patched',
    description:
      'a create2 inside multi: 3.8.0 decodes it as a plain create and answers type 1 with ' +
      "the path only; later releases answer type 15 with the new node's stat.",
    reconcile: dropCreate2Stats,
    isFieldCase: isCreate2StatCase,
  },
  {
    id: 'multi-create-invalid-flags',
    zookeeper: 'ZOOKEEPER-4026 (MultiOperationRecord), in 3.8.2 and 3.9.0',
    gate: 'patched',
    description:
      'a create inside multi whose flags are no CreateMode: later releases refuse the whole ' +
      'request while decoding it (MarshallingError); 3.8.0 validates op by op and fails that ' +
      'op with BadArguments, or an earlier op with its own error.',
    reconcile: (input) =>
      isDecodeRefusal(input, isInvalidFlagsCreate, true)
        ? takeApacheAnswer(input.apache, input.zoo)
        : null,
    isFieldCase: (input) => isDecodeRefusalCase(input, isInvalidFlagsCreate),
  },
  {
    id: 'multi-create-ttl-flags-without-ttl',
    zookeeper: 'ZOOKEEPER-4026 (CreateOptions validates the ttl), in 3.8.2 and 3.9.0',
    gate: 'patched',
    description:
      'a create (op 1, 15 or 19) inside multi with TTL flags and so no ttl: later releases ' +
      'refuse the whole request while decoding it (MarshallingError); 3.8.0 gets there only ' +
      'if every earlier op passes (then also MarshallingError, from a ClassCastException), ' +
      'and otherwise answers the earlier failure in the results.',
    reconcile: (input) =>
      isDecodeRefusal(input, isTtlFlagsOnPlainCreate, false)
        ? takeApacheAnswer(input.apache, input.zoo)
        : null,
    isFieldCase: (input) => isDecodeRefusalCase(input, isTtlFlagsOnPlainCreate),
  },
  {
    id: 'multi-create-container-opcode',
    zookeeper: 'ZOOKEEPER-4026 (MultiOperationRecord), in 3.8.2 and 3.9.0',
    gate: 'notGenerated',
    description:
      'a createContainer (op 19) inside multi with flags 0..3: 3.8.0 decays it to a plain ' +
      'create (persistent, ephemeral or sequential by the flags); later releases keep op 19 ' +
      'and create a container, as a top-level op 19 does. The trees then differ, so the ' +
      'generator never sends it (diff-ops.ts); the field test sets such cases aside.',
    reconcile: () => null,
    isFieldCase: hasContainerOp,
  },
  {
    id: 'multi-null-path-zxid-gap',
    zookeeper: 'Apache bug, in 3.8: PrepRequestProcessor (multi: getNextZxid, then a null path)',
    gate: 'patched',
    description:
      'a multi with a null op path: ZooKeeper takes the next zxid and then fails on the null ' +
      'before it makes a txn, so that zxid is never used and every later one is one higher. ' +
      'Zoo answers the same MarshallingError and empty MultiResponse without the gap. Only the ' +
      'field test sends null paths (differential-fields.test.ts).',
    reconcile: () => null,
    isFieldCase: isSkippedZxidCase,
  },
  {
    id: 'create-ttl-opcode-crash',
    zookeeper: 'Apache bug, still in 3.9.5: PrepRequestProcessor + DataTree.processTxn',
    gate: 'notGenerated',
    description:
      'a top-level createTTL (op 21) whose flags are not a TTL mode, with a negative ttl, ' +
      'passes validation; DataTree then throws in SyncThread and the whole server shuts ' +
      'down. Zoo must not copy a crash, so the generator sends ttl ≥ 0 there.',
    reconcile: () => null,
  },
  {
    id: 'client-create-session',
    zookeeper: 'Apache bug, in 3.8: PrepRequestProcessor + FinalRequestProcessor (createSession)',
    gate: 'patched',
    description:
      'a createSession (op −10) sent by a client, with a body of 4 bytes or more: ZooKeeper ' +
      "makes a createSession txn for the client's own session with the xid as its timeout and " +
      'answers with a second ConnectResponse where the reply belongs, which no client can ' +
      'read. Zoo answers Unimplemented (−6) and closes, as for any opcode a client may not ' +
      'send. (A shorter body is MarshallingError with a zxid on both.)',
    reconcile: () => null,
    isCornerCase: ({ name, apache, zoo }) =>
      name.startsWith('createSession') &&
      apache.frames[1]?.startsWith('xid 0 ') === true &&
      zoo.isClosedByServer &&
      zoo.frames.length === 2 &&
      zoo.frames[1] === 'xid 2 zxid -1 err -6 body 0 bytes',
  },
  {
    id: 'connect-response-lost-to-garbage',
    zookeeper: 'Apache bug (a race), in 3.8: NIOServerCnxn finishSessionInit vs. a bad length',
    gate: 'patched',
    description:
      'bytes that are no frame right behind a ConnectRequest: ZooKeeper queues the ' +
      'ConnectResponse for its selector thread and, reading again, closes on the bad length, ' +
      'sometimes before the response is written (always when bytes are left unread, as the ' +
      'close is then a reset). Zoo always writes the ConnectResponse, then closes.',
    reconcile: () => null,
    isCornerCase: ({ name, apache, zoo }) =>
      name.endsWith('right behind the ConnectRequest') &&
      apache.isClosedByServer &&
      apache.frames.length === 0 &&
      zoo.isClosedByServer &&
      zoo.frames.length === 1,
  },
];

const dataEventTypes = new Set(['1', '2', '3']);

function countInto(map: Map<string, number>, id: string): void {
  map.set(id, (map.get(id) ?? 0) + 1);
}

export function equalOutcomes(a: NormalizedOutcome, b: NormalizedOutcome): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Applies the table op by op and follows its one lasting effect: after `exists-requires-read`
 * with a watch, only the oracle holds that watch, so its next data event on that path for that
 * session may have no counterpart in Zoo and is then set aside (once).
 */
export class Reconciler {
  readonly gated = new Map<string, number>();
  private readonly orphanWatches = new Set<string>();

  /** The pair to compare for one op, after gating; the inputs are not mutated. */
  reconcile(input: ReconcileInput & { session: number }): {
    apache: NormalizedOutcome;
    zoo: NormalizedOutcome;
  } {
    const apache = this.dropOrphanWatchEvents(input.apache, input.zoo);
    const zoo = input.zoo;
    if (equalOutcomes(apache, zoo)) return { apache, zoo };
    for (const difference of knownDifferences) {
      const patched = difference.reconcile({ request: input.request, apache, zoo });
      if (patched === null || !equalOutcomes(apache, patched)) continue;
      countInto(this.gated, difference.id);
      const request = input.request;
      if (difference.id === 'exists-requires-read' && request.type === 'exists' && request.watch) {
        this.orphanWatches.add(`${input.session} ${request.path}`);
      }
      return { apache, zoo: patched };
    }
    return { apache, zoo };
  }

  private dropOrphanWatchEvents(
    apache: NormalizedOutcome,
    zoo: NormalizedOutcome,
  ): NormalizedOutcome {
    if (this.orphanWatches.size === 0) return apache;
    const notifications = apache.notifications.map((events, session) => {
      const zooEvents = zoo.notifications[session] ?? [];
      return events.filter((event) => {
        const [type = '', path = ''] = event.split(' ');
        const key = `${session} ${path}`;
        if (!dataEventTypes.has(type) || !this.orphanWatches.has(key)) return true;
        this.orphanWatches.delete(key);
        if (zooEvents.includes(event)) return true;
        countInto(this.gated, 'exists-requires-read');
        return false;
      });
    });
    return { ...apache, notifications };
  }
}

/** The id of the known difference a field case shows, or null if it shows none. */
export function fieldDifference(input: FieldCaseInput): string | null {
  return (
    knownDifferences.find((difference) => difference.isFieldCase?.(input) === true)?.id ?? null
  );
}

/** The id of the known difference a corner case shows, or null if it shows none. */
export function cornerDifference(input: CornerCaseInput): string | null {
  return (
    knownDifferences.find((difference) => difference.isCornerCase?.(input) === true)?.id ?? null
  );
}
