// Runs one generated operation sequence against two servers in lockstep over raw wire clients
// (two sessions per server, the second authenticated as bob), collecting every reply and the
// notifications each session received, then compares the normalized runs op by op.

import { describeRequest, type Request } from './protocol.js';
import { bobAuth, materialize, setupPaths, type DiffOp } from './diff-ops.js';
import {
  normalizeRun,
  type NormalizedOutcome,
  type OpOutcome,
  type RunRecord,
} from './diff-normalize.js';
import { equalOutcomes, Reconciler } from './known-differences.js';
import { WireClient } from './wire-client.js';

export interface Endpoint {
  host: string;
  port: number;
}

interface Side {
  clients: WireClient[];
  record: RunRecord;
}

/** The persistent, world-open nodes every run starts with (session 0 creates them). */
const setupOps: readonly DiffOp[] = setupPaths.map((path) => ({
  session: 0,
  request: {
    type: 'create',
    variant: 'create',
    path,
    data: null,
    acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
    flags: 0,
    ttl: -1n,
  },
}));

async function openSide(endpoint: Endpoint, base: string): Promise<Side> {
  const connect = (): Promise<WireClient> =>
    WireClient.connect({ host: endpoint.host, port: endpoint.port, timeoutMs: 30_000 });
  const clients = [await connect(), await connect()];
  const bob = clients[1];
  if (bob === undefined) throw new Error('no second session');
  const auth = await bob.request({
    type: 'auth',
    authType: 0,
    scheme: 'digest',
    auth: Buffer.from(bobAuth),
  });
  if (auth.err !== 0) throw new Error(`digest auth failed with ${auth.err}`);
  return { clients, record: { base, sessionIds: clients.map((c) => c.sessionId), outcomes: [] } };
}

async function execute(side: Side, session: number, request: Request): Promise<OpOutcome> {
  const client = side.clients[session];
  if (client === undefined) throw new Error(`no session ${session}`);
  const outcome: OpOutcome = await client.request(request).then(
    (result) => ({ err: result.err, zxid: result.zxid, body: result.body, notifications: [] }),
    () => ({ err: 'closed', zxid: 0n, body: null, notifications: [] }),
  );
  // A reply on a connection follows every notification queued before it, so one ping per
  // session collects every event this op caused.
  await Promise.all(side.clients.map((c) => c.request({ type: 'ping' }).catch(() => undefined)));
  outcome.notifications = side.clients.map((c) => c.takeNotifications());
  return outcome;
}

/** Runs `ops` under `base` on both endpoints, op by op in lockstep; returns both raw records. */
export async function runOnBoth(
  endpoints: readonly [Endpoint, Endpoint],
  ops: readonly DiffOp[],
  base: string,
): Promise<[RunRecord, RunRecord]> {
  const sides = await Promise.all(endpoints.map((endpoint) => openSide(endpoint, base)));
  try {
    for (const op of [...setupOps, ...ops]) {
      const request = materialize(op.request, base);
      const outcomes = await Promise.all(sides.map((side) => execute(side, op.session, request)));
      sides.forEach((side, index) => side.record.outcomes.push(outcomes[index] as OpOutcome));
    }
  } finally {
    await Promise.all(sides.flatMap((side) => side.clients.map((client) => client.close())));
  }
  const [left, right] = sides;
  if (left === undefined || right === undefined) throw new Error('two sides expected');
  return [left.record, right.record];
}

export interface Comparison {
  /** null when the runs agree (after gating known differences). */
  mismatch: string | null;
  gated: Map<string, number>;
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** Compares two runs op by op; the first difference is described with the ops leading to it. */
export function compareRuns(options: {
  ops: readonly DiffOp[];
  left: RunRecord;
  right: RunRecord;
  names: readonly [string, string];
  /** Apply the known-differences table (oracle on the left, Zoo on the right). */
  useKnownDifferences: boolean;
}): Comparison {
  const { ops, names } = options;
  const left = normalizeRun(options.left);
  const right = normalizeRun(options.right);
  const reconciler = new Reconciler();
  for (const [name, run] of [
    [names[0], left],
    [names[1], right],
  ] as const) {
    if (run.timeIssues.length > 0) {
      return { mismatch: `${name}: ${run.timeIssues.join('; ')}`, gated: reconciler.gated };
    }
  }
  for (let index = 0; index < left.outcomes.length; index++) {
    const op = index < setupOps.length ? setupOps[index] : ops[index - setupOps.length];
    let a = left.outcomes[index] as NormalizedOutcome;
    let b = right.outcomes[index] as NormalizedOutcome;
    if (op !== undefined && options.useKnownDifferences) {
      const placeholder = materialize(op.request, '@');
      const input = { request: placeholder, session: op.session, apache: a, zoo: b };
      ({ apache: a, zoo: b } = reconciler.reconcile(input));
    }
    if (!equalOutcomes(a, b)) {
      const history = [...setupOps, ...ops]
        .slice(0, index)
        .map((o, i) => `  #${i} s${o.session} ${describeRequest(o.request)}`);
      const current = op === undefined ? '?' : `s${op.session} ${describeRequest(op.request)}`;
      return {
        mismatch: [
          `op #${index} differs: ${current}`,
          `  ${names[0]}: ${stringify(a)}`,
          `  ${names[1]}: ${stringify(b)}`,
          'after:',
          ...history,
        ].join('\n'),
        gated: reconciler.gated,
      };
    }
  }
  return { mismatch: null, gated: reconciler.gated };
}
