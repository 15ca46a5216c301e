// The hand-laid bodies of the peer messages every write sends: PROPOSAL (and INFORM), ACK and
// COMMIT. A proposal's txn is laid out as the txn log lays it (disk/txn-record-codec.ts, with
// the same checks on the way in), so neither end walks an object through msgpackr for it: that
// walk, and the validation of the map it gave back, were a tenth of a leader's and a fifth of a
// follower's CPU under a create load.
//
//   proposal, inform = zxid i64 | txn        ack, commit = zxid i64

import { DecodeError } from '@zoo/client/protocol';
import type { PeerMessage } from '../core/zab/messages.js';
import { readTxnAt, txnBytesMax, writeInt64, writeTxn } from './disk/txn-record-codec.js';

/** The kind byte of a message in a peer frame (peer-codec.ts); 0 is a msgpack value. */
export const messageKinds = {
  msgpack: 0,
  proposal: 1,
  inform: 2,
  ack: 3,
  commit: 4,
  /** peer-codec-request.ts */
  request: 5,
} as const;

type BinaryMessage = Extract<PeerMessage, { type: 'proposal' | 'inform' | 'ack' | 'commit' }>;

export function isBinaryMessage(message: PeerMessage): message is BinaryMessage {
  const { type } = message;
  return type === 'proposal' || type === 'inform' || type === 'ack' || type === 'commit';
}

/** At least the body bytes writeBinaryBody writes for `message`. */
export function binaryBodyBytesMax(message: BinaryMessage): number {
  return message.type === 'proposal' || message.type === 'inform'
    ? 8 + txnBytesMax(message.txn)
    : 8;
}

/** Writes the body at `offset` of `target` (binaryBodyBytesMax bytes free); returns its end. */
export function writeBinaryBody(message: BinaryMessage, target: Buffer, offset: number): number {
  if (message.type === 'ack' || message.type === 'commit') {
    return writeInt64(message.zxid, target, offset);
  }
  const at = writeInt64(message.txn.zxid, target, offset);
  return writeTxn(message.txn, target, at);
}

/** The message of kind `kind` whose body is all of `body`; DecodeError if it is not one. */
export function readBinaryBody(kind: number, body: Buffer): BinaryMessage {
  if (body.length < 8) throw new DecodeError(`peer message of kind ${kind}: ${body.length} bytes`);
  const zxid = body.readBigInt64BE(0);
  switch (kind) {
    case messageKinds.ack:
    case messageKinds.commit:
      if (body.length !== 8) throw new DecodeError(`${body.length - 8} bytes after a zxid`);
      return { type: kind === messageKinds.ack ? 'ack' : 'commit', zxid };
    case messageKinds.proposal:
      return { type: 'proposal', txn: readTxnAt(body, 8, zxid) };
    case messageKinds.inform:
      return { type: 'inform', txn: readTxnAt(body, 8, zxid) };
    default:
      throw new DecodeError(`unknown peer message kind ${kind}`);
  }
}
