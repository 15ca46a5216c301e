// Generated differential test of the ConnectRequest, field by field: protocolVersion,
// lastZxidSeen, timeOut, sessionId, passwd and the optional readOnly byte are replaced one at a
// time by fast-check variants (null, empty, negative and past-the-frame lengths, too long,
// unknown int, long and boolean values; readOnly also absent, or followed by stray bytes), for a
// new session and for resuming a live one. The same frame goes to Apache ZooKeeper 3.8, to Zoo,
// and to a follower of a 3-member Zoo ensemble; the ConnectResponse (timeout, which session,
// password, readOnly byte), the replies to the requests behind it and whether the connection
// closed must agree.
//
// Longer runs: ZOO_CONNECT_FIELDS_RUNS=<variants per field> (default 3); replay with
// ZOO_CONNECT_FIELDS_SEED=<seed>.

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fieldVariants, type FieldVariant } from './support/field-variants.js';
import type { FieldKind } from './support/field-trace.js';
import {
  decodeConnectResponse,
  decodeReplyHeader,
  encodeConnectRequest,
  encodeRequest,
  JuteReader,
  JuteWriter,
  type ConnectResponse,
} from './support/protocol.js';
import { RawSession, hasReply } from './support/raw-session.js';
import type { SuiteContext } from './support/target-suite.js';
import { describeThreeWay } from './support/three-way-suites.js';

const numRuns = Number(process.env['ZOO_CONNECT_FIELDS_RUNS'] ?? 3);
const seedText = process.env['ZOO_CONNECT_FIELDS_SEED'];
const seed = seedText === undefined ? {} : { seed: Number(seedText) };
const waitMs = 10_000;
const existsXid = 1;
const closeXid = 2;

/** The ConnectRequest record (ZooKeeper's ConnectRequest.jute), in wire order. */
const fields: { name: string; kind: FieldKind }[] = [
  { name: 'protocolVersion', kind: 'int' },
  { name: 'lastZxidSeen', kind: 'long' },
  { name: 'timeOut', kind: 'int' },
  { name: 'sessionId', kind: 'long' },
  { name: 'passwd', kind: 'buffer' },
  { name: 'readOnly', kind: 'bool' },
];

/** The ConnectRequest payload (no length prefix) and where each field lies in it. */
function baseline(session: { sessionId: bigint; passwd: Buffer }) {
  const writer = new JuteWriter({ initialBytes: 64 });
  encodeConnectRequest(writer, {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeoutMs: 30_000,
    ...session,
    readOnly: false,
  });
  const payload = writer.take().subarray(4);
  const sizes = [4, 8, 4, 8, 4 + session.passwd.length, 1];
  let start = 0;
  const spans = sizes.map((size) => ({ start, end: (start += size) }));
  return { payload, spans };
}

/** readOnly may also be left out (old clients), or followed by bytes no record reads. */
const readOnlyExtras: fc.Arbitrary<FieldVariant> = fc.oneof(
  fc.constant({ name: 'absent', bytes: Buffer.alloc(0) }),
  fc
    .uint8Array({ minLength: 1, maxLength: 8 })
    .map((tail) => ({ name: 'false + stray bytes', bytes: Buffer.from([0, ...tail]) })),
);

/**
 * A lastZxidSeen between 1 and 2^40 lies between the servers' own last zxids: a standalone
 * server counts from epoch 0, an ensemble from epoch 1 (2^32), and each has logged as many txns
 * as the cases before it made. Whether such a value is "ahead" (the server refuses the client, as
 * ZooKeeper does) depends on that history, not on how the field is read, so those values are
 * left out here; 0, negative values and values past every server's zxid are compared.
 */
function isZxidOfEveryServersRange(bytes: Buffer): boolean {
  if (bytes.length !== 8) return false;
  const zxid = bytes.readBigInt64BE(0);
  return zxid > 0n && zxid < 1n << 40n;
}

function variantsOf(index: number, payload: Buffer, span: { start: number; end: number }) {
  const { kind, name } = fields[index]!;
  const rest = payload.length - span.end;
  const generated = fieldVariants(kind, payload.subarray(span.start, span.end), rest);
  if (name === 'lastZxidSeen') {
    return generated.filter((variant) => !isZxidOfEveryServersRange(variant.bytes));
  }
  return kind === 'bool' ? fc.oneof(generated, readOnlyExtras) : generated;
}

function frameOf(payload: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length, 0);
  return Buffer.concat([length, payload]);
}

function requestFrame(xid: number, type: 'exists' | 'closeSession'): Buffer {
  const writer = new JuteWriter({ initialBytes: 64 });
  const request = type === 'exists' ? { type, path: '/', watch: false } : { type };
  encodeRequest(writer, xid, request);
  return writer.take();
}

/** A live session on the server, to resume (its connection is dropped, the session lives). */
async function liveSession(endpoint: { host: string; port: number }): Promise<ConnectResponse> {
  const session = await RawSession.open(endpoint.host, endpoint.port);
  const { payload } = baseline({ sessionId: 0n, passwd: Buffer.alloc(16) });
  session.write(frameOf(payload));
  await session.until((frames) => frames.length > 0, waitMs);
  session.close();
  const [first] = session.frames;
  if (first === undefined) throw new Error('no ConnectResponse for the live session');
  return decodeConnectResponse(first);
}

/** What came back, in words that do not depend on the server's session ids or zxids. */
function describeOutcome(frames: readonly Buffer[], resumed: ConnectResponse | null): string[] {
  const [first, ...replies] = frames;
  if (first === undefined) return ['no ConnectResponse'];
  const response = decodeConnectResponse(first);
  const sessionId = response.sessionId;
  const which =
    sessionId === 0n ? 'none' : sessionId === resumed?.sessionId ? 'the resumed one' : 'a new one';
  const passwd = resumed !== null && response.passwd.equals(resumed.passwd) ? 'its own' : 'other';
  const lines = [
    `connect: timeout ${response.timeoutMs}, session ${which}, ` +
      `passwd ${response.passwd.length} bytes (${passwd}), readOnly ${response.readOnly}`,
  ];
  for (const reply of replies) {
    const header = decodeReplyHeader(new JuteReader(reply));
    lines.push(`xid ${header.xid} err ${header.err} body ${reply.length - 16} bytes`);
  }
  return lines;
}

async function runConnectCase(
  suite: SuiteContext,
  mode: 'new' | 'resume',
  change: { index: number; variant: FieldVariant },
): Promise<{ frames: string[]; isClosedEarly: boolean }> {
  const endpoint = suite.server();
  const resumed = mode === 'resume' ? await liveSession(endpoint) : null;
  const { payload, spans } = baseline(resumed ?? { sessionId: 0n, passwd: Buffer.alloc(16) });
  const span = spans[change.index]!;
  const mutated = Buffer.concat([
    payload.subarray(0, span.start),
    change.variant.bytes,
    payload.subarray(span.end),
  ]);
  const session = await RawSession.open(endpoint.host, endpoint.port);
  try {
    session.write(frameOf(mutated));
    // The requests go once the handshake is answered (or not), so none races the handshake.
    await session.until((frames) => frames.length > 0, 2_000);
    const requests = [requestFrame(existsXid, 'exists'), requestFrame(closeXid, 'closeSession')];
    session.write(Buffer.concat(requests));
    const isAnswered = await session.until(hasReply(closeXid), waitMs);
    return { frames: describeOutcome(session.frames, resumed), isClosedEarly: !isAnswered };
  } finally {
    session.close();
  }
}

const title = 'differential ConnectRequest fields: Zoo against Apache ZooKeeper 3.8';
await describeThreeWay('differential-connect-fields', title, { tickMs: 2000 }, (suites) => {
  for (const mode of ['new', 'resume'] as const) {
    for (const [index, field] of fields.entries()) {
      test(`${mode} session, ${field.name} as ZooKeeper reads it`, async () => {
        const { payload, spans } = baseline({ sessionId: 0n, passwd: Buffer.alloc(16) });
        await fc.assert(
          fc.asyncProperty(variantsOf(index, payload, spans[index]!), async (variant) => {
            const change = { index, variant };
            const [expected, ...actual] = await Promise.all(
              [suites.apache, ...suites.zoos.map((z) => z.suite)].map((suite) =>
                runConnectCase(suite, mode, change),
              ),
            );
            const label = `${mode} ${field.name} ← ${variant.name}`;
            for (const [at, outcome] of actual.entries()) {
              const target = suites.zoos[at]?.name;
              expect({ label, target, ...outcome }).toEqual({ label, target, ...expected });
            }
          }),
          { numRuns, ...seed },
        );
      }, 120_000);
    }
  }
});
