// Turns a client's write request into a proposed txn: prep against tree + pending changes
// (ZooKeeper's PrepRequestProcessor), then into the commit pipeline with its origin.

import type { Txn } from './txn.js';
import { prepareWrite } from './prep/prepare-request.js';
import type { WriteRequest } from './prep/prepare-request.js';
import type { ConnectionState } from './connection-state.js';
import type { Peer } from './peer.js';

export function prepareWriteTxn(
  peer: Peer,
  input: { connection: ConnectionState; request: WriteRequest; xid: number },
): Txn {
  const { connection, request, xid } = input;
  const sessionId = connection.sessionId ?? 0n;
  const context = peer.pipeline.context(sessionId, {
    cxid: xid,
    identities: connection.identities,
  });
  const txn = prepareWrite(request, context);
  peer.pipeline.propose(txn, { kind: 'write', connectionId: connection.id, xid, request });
  return txn;
}
