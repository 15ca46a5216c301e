// Turns a value msgpackr decoded from a peer's frame into a validated PeerMessage (or the link's
// hello), raising DecodeError on any unknown type or ill-typed field. The inverse of peer-codec's
// encoding: plain maps, bigint zxids, and client writes as their Jute bytes.

import type { Request } from '@zoo/client/protocol';
import { DecodeError, decodeRequest } from '@zoo/client/protocol';
import type {
  ForwardedRequest,
  PeerMessage,
  RequestOrigin,
  ServerState,
  Vote,
} from '../core/zab/messages.js';
import { readSnapshotNode, readSnapshotSessions, readTxn } from './read-txn.js';
import { WireObject, decodeFail, int64Of } from './wire-object.js';

/** The first frame each side of a peer link sends: who it is, and whom it meant to reach. */
export interface PeerHello {
  serverId: number;
  to: number;
}

/** Raised (as a DecodeError) when a peer speaks another version; bump on any wire change. */
// 3: REVALIDATE and its answer (a learner asks its leader about a session a client resumes).
// 4: each message of a frame in an envelope (length, kind); PROPOSAL, INFORM, ACK and COMMIT
//    hand-laid (peer-codec-binary.ts), the rest msgpack as before.
export const peerProtocolVersion = 4;

const serverStates: readonly ServerState[] = ['looking', 'following', 'leading', 'observing'];

export function readPeerHello(value: unknown): PeerHello {
  const o = WireObject.of(value, 'hello');
  if (o.string('type') !== 'hello') decodeFail(o.at('type'), 'expected a hello');
  const version = o.safeInteger('version');
  if (version !== peerProtocolVersion) {
    decodeFail(
      o.at('version'),
      `peer protocol ${version}, this server speaks ${peerProtocolVersion}`,
    );
  }
  const serverId = o.safeInteger('serverId');
  const to = o.safeInteger('to');
  if (serverId < 0 || to < 0) decodeFail('hello', `negative server id (${serverId} → ${to})`);
  return { serverId, to };
}

type MessageReaders = {
  [K in PeerMessage['type']]: (o: WireObject) => Extract<PeerMessage, { type: K }>;
};

// A table rather than a switch over a string: a type added to PeerMessage without a reader here
// is a compile error, not a link that closes at run time.
const messageReaders: MessageReaders = {
  vote: (o) => ({
    type: 'vote',
    round: o.safeInteger('round'),
    vote: readVote(o.object('vote')),
    state: o.oneOf('state', serverStates),
  }),
  followerInfo: (o) => ({
    type: 'followerInfo',
    acceptedEpoch: o.safeInteger('acceptedEpoch'),
    lastZxid: o.int64('lastZxid'),
    isObserver: o.boolean('isObserver'),
  }),
  leaderInfo: (o) => ({ type: 'leaderInfo', epoch: o.safeInteger('epoch') }),
  ackEpoch: (o) => ({
    type: 'ackEpoch',
    epoch: o.safeInteger('epoch'),
    currentEpoch: o.safeInteger('currentEpoch'),
    lastZxid: o.int64('lastZxid'),
  }),
  diff: (o) => ({ type: 'diff', zxid: o.int64('zxid') }),
  trunc: (o) => ({ type: 'trunc', zxid: o.int64('zxid') }),
  snap: (o) => ({
    type: 'snap',
    zxid: o.int64('zxid'),
    nodeCount: o.safeInteger('nodeCount'),
    sessions: readSnapshotSessions(o.get('sessions'), o.at('sessions')),
  }),
  // Each node's fields are checked here; how the nodes fit together, by the learner's tree as it
  // links them (DataTree.restore), which refuses the SNAP on the first that does not fit.
  snapNodes: (o) => ({
    type: 'snapNodes',
    zxid: o.int64('zxid'),
    nodes: o.list('nodes', (value, where) => readSnapshotNode(WireObject.of(value, where))),
  }),
  newLeader: (o) => ({ type: 'newLeader', epoch: o.safeInteger('epoch'), zxid: o.int64('zxid') }),
  ackNewLeader: (o) => ({ type: 'ackNewLeader', zxid: o.int64('zxid') }),
  upToDate: () => ({ type: 'upToDate' }),
  proposal: (o) => ({ type: 'proposal', txn: readTxn(o.get('txn'), o.at('txn')) }),
  ack: (o) => ({ type: 'ack', zxid: o.int64('zxid') }),
  commit: (o) => ({ type: 'commit', zxid: o.int64('zxid') }),
  inform: (o) => ({ type: 'inform', txn: readTxn(o.get('txn'), o.at('txn')) }),
  ping: (o) => ({ type: 'ping', zxid: o.int64('zxid') }),
  pong: (o) => ({ type: 'pong', touchedSessions: o.list('touchedSessions', int64Of) }),
  request: (o) => ({
    type: 'request',
    origin: readOrigin(o.object('origin')),
    request: readForwardedRequest(o.object('request')),
    identities: o.list('identities', (identity, where) => {
      const id = WireObject.of(identity, where);
      return { scheme: id.string('scheme'), id: id.string('id') };
    }),
  }),
  sync: (o) => ({ type: 'sync', origin: readOrigin(o.object('origin')), path: o.string('path') }),
  syncDone: (o) => ({
    type: 'syncDone',
    origin: readOrigin(o.object('origin')),
    path: o.string('path'),
  }),
  revalidate: (o) => ({
    type: 'revalidate',
    sessionId: o.int64('sessionId'),
    timeoutMs: o.int32('timeoutMs'),
    connectionId: o.safeInteger('connectionId'),
  }),
  revalidated: (o) => ({
    type: 'revalidated',
    sessionId: o.int64('sessionId'),
    connectionId: o.safeInteger('connectionId'),
    isValid: o.boolean('isValid'),
  }),
};

function isMessageType(type: string): type is PeerMessage['type'] {
  return Object.hasOwn(messageReaders, type);
}

/** Every message type the codec reads (for coverage tests). */
export const peerMessageTypes: readonly PeerMessage['type'][] =
  Object.keys(messageReaders).filter(isMessageType);

export function readPeerMessage(value: unknown): PeerMessage {
  const o = WireObject.of(value, 'message');
  const type = o.string('type');
  if (!isMessageType(type)) {
    return decodeFail(o.at('type'), `unknown peer message type ${JSON.stringify(type)}`);
  }
  return messageReaders[type](o);
}

function readVote(o: WireObject): Vote {
  return { leader: o.safeInteger('leader'), zxid: o.int64('zxid'), epoch: o.safeInteger('epoch') };
}

function readOrigin(o: WireObject): RequestOrigin {
  return { sessionId: o.int64('sessionId'), cxid: o.int32('cxid') };
}

function readForwardedRequest(o: WireObject): ForwardedRequest {
  const type = o.string('type');
  switch (type) {
    case 'write':
      return { type, request: readJuteRequest(o.bytes('request'), o.at('request')) };
    case 'refused':
      return { type, err: o.int32('err') };
    case 'createSession':
      return { type, timeoutMs: o.int32('timeoutMs') };
    case 'closeSession':
      return { type };
    default:
      return decodeFail(o.at('type'), `unknown forwarded request type ${JSON.stringify(type)}`);
  }
}

/**
 * A client request travels as its Jute record (RequestHeader + body), the one codec the client
 * port already validates. No length inside can exceed the bytes that carry it.
 */
export function readJuteRequest(bytes: Buffer, where: string): Request {
  let decoded: ReturnType<typeof decodeRequest>;
  try {
    decoded = decodeRequest(bytes, { bufferBytesMax: bytes.length, surrogates: 'kept' });
  } catch (error) {
    if (error instanceof DecodeError) return decodeFail(where, error.message);
    throw error;
  }
  if (decoded.kind === 'request') return decoded.request;
  if (decoded.kind === 'malformed')
    return decodeFail(where, `malformed request: ${decoded.reason}`);
  return decodeFail(where, `opcode ${decoded.opCode} is not a request a peer forwards`);
}
