// One case of the generated field test on one server: a fresh connection gets, in one write,
// the ConnectRequest, the setup creates, the (mutated) request, writes that fire any watch it
// set, a ping and a closeSession. Every frame that comes back is turned into a line that does
// not depend on the server (zxids relative to the setup, times and session ids hidden), and
// whether the server closed the connection early is recorded.

import {
  decodeConnectResponse,
  decodeReplyHeader,
  decodeRequest,
  decodeResponseBody,
  encodeConnectRequest,
  encodeRequest,
  JuteReader,
  JuteWriter,
  type Request,
} from './protocol.js';
import { setupRequests, triggerRequests, xidFor } from './field-baselines.js';
import { exchangeRaw } from './raw-socket.js';
import { hasReply, RawSession } from './raw-session.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface CaseOutcome {
  /** One line per frame received, in order. */
  frames: string[];
  /** True when the connection closed before the closeSession was answered. */
  isClosedEarly: boolean;
}

const closeXid = 99;
const waitMs = 15_000;

function frameOf(xid: number, request: Request): Buffer {
  const writer = new JuteWriter({ initialBytes: 256 });
  encodeRequest(writer, xid, request);
  return writer.take();
}

function connectFrameFor(sessionId: bigint, passwd: Buffer): Buffer {
  const writer = new JuteWriter({ initialBytes: 64 });
  encodeConnectRequest(writer, {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeoutMs: 30_000,
    sessionId,
    passwd,
  });
  return writer.take();
}

const withLength = (payload: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length, 0);
  return Buffer.concat([length, payload]);
};

/** Zxids become offsets from the last setup write; times and session owners are hidden. */
function normalizer(zxidBase: bigint): (key: string, value: unknown) => unknown {
  return (key, value) => {
    if (key === 'ctime' || key === 'mtime') return 't';
    if (key === 'ephemeralOwner') return value === 0n ? '0' : 'session';
    if (typeof value === 'bigint') return value > 0n ? `z${value - zxidBase}` : `${value}`;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      return [...(value as string[])].sort();
    }
    return value;
  };
}

/** A reply body, decoded when the request is known and succeeded, else as hex. */
function bodyText(
  body: Buffer,
  request: Request | undefined,
  err: number,
  zxidBase: bigint,
): string {
  if (request === undefined || body.length === 0) return body.toString('hex');
  // Only a multi's MultiResponse comes with an error (the results before a null path).
  if (err !== 0 && request.type !== 'multi' && request.type !== 'multiRead') {
    return body.toString('hex');
  }
  try {
    const decoded = decodeResponseBody(request, new JuteReader(body));
    return JSON.stringify(decoded, normalizer(zxidBase));
  } catch {
    return `undecodable ${body.toString('hex')}`;
  }
}

function requestOf(payload: Buffer): Request | undefined {
  const decoded = decodeRequest(payload);
  return decoded.kind === 'request' ? decoded.request : undefined;
}

/**
 * Sends the case to one server and describes what came back. Each step waits for the previous
 * replies, so what ZooKeeper does with requests still in its pipeline (ACL checks against a
 * setACL not yet applied, SASL answered ahead of earlier writes) never decides the outcome.
 */
export async function runFieldCase(
  endpoint: Endpoint,
  base: string,
  payload: Buffer,
): Promise<CaseOutcome> {
  const requests = new Map<number, Request | undefined>();
  const framesOf = (list: readonly Request[], firstXid: number): Buffer[] =>
    list.map((request, index) => {
      requests.set(firstXid + index, request);
      return frameOf(firstXid + index, request);
    });
  const setup = setupRequests(base);
  const xid = payload.readInt32BE(0);
  requests.set(xid, requestOf(payload));
  const session = await RawSession.open(endpoint.host, endpoint.port);
  try {
    session.write(Buffer.concat([connectFrameFor(0n, Buffer.alloc(16)), ...framesOf(setup, 1)]));
    await session.until(hasReply(setup.length), waitMs);
    session.write(withLength(payload));
    await session.until(hasReply(xid), waitMs);
    const ping = frameOf(xidFor({ type: 'ping' }), { type: 'ping' });
    const close = frameOf(closeXid, { type: 'closeSession' });
    session.write(Buffer.concat([...framesOf(triggerRequests(base), 10), ping, close]));
    await session.until(() => false, waitMs);
  } finally {
    session.close();
  }
  return describeFrames(endpoint, session.frames, requests);
}

async function describeFrames(
  endpoint: Endpoint,
  frames: readonly Buffer[],
  requests: ReadonlyMap<number, Request | undefined>,
): Promise<CaseOutcome> {
  const [connect, ...replies] = frames;
  if (connect === undefined) return { frames: ['no ConnectResponse'], isClosedEarly: true };
  const session = decodeConnectResponse(connect);
  const lines = [`connect timeout ${session.timeoutMs} passwd ${session.passwd.length} bytes`];
  let zxidBase = 0n;
  let isAnswered = false;
  for (const reply of replies) {
    const reader = new JuteReader(reply);
    const header = decodeReplyHeader(reader);
    if (header.xid === 1) zxidBase = header.zxid; // the first setup create
    if (header.xid === closeXid) isAnswered = true;
    const zxid = header.zxid > 0n ? `z${header.zxid - zxidBase}` : `${header.zxid}`;
    const body = bodyText(reply.subarray(16), requests.get(header.xid), header.err, zxidBase);
    lines.push(`xid ${header.xid} zxid ${zxid} err ${header.err} body ${body}`);
  }
  if (!isAnswered) await closeSession(endpoint, session.sessionId, session.passwd);
  return { frames: lines, isClosedEarly: !isAnswered };
}

/**
 * Ends a session whose connection closed early, so that its expiry cannot add a txn (and so a
 * zxid) in the middle of a later case.
 */
async function closeSession(endpoint: Endpoint, sessionId: bigint, passwd: Buffer): Promise<void> {
  const bytes = Buffer.concat([
    connectFrameFor(sessionId, passwd),
    frameOf(closeXid, { type: 'closeSession' }),
  ]);
  await exchangeRaw({ ...endpoint, bytes, waitMs });
}
