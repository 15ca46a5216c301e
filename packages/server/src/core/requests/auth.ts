// Auth packets (opcode 100) and SASL (102), answered at once as ZooKeeper's I/O thread does:
// digest always succeeds and adds `digest:user:hash` (and `super:` for the super digest);
// an unknown or null scheme, or a null digest credential, answers AuthFailed and closes the
// connection. A body that fails to parse closes it without a reply (see request-pipeline.ts).

import { ErrorCode } from '@zoo/client/protocol';
import type { AuthRequest, SaslRequest } from '@zoo/client/protocol';
import type { ConnectionState } from './connection-state.js';
import type { RequestContext } from './request-context.js';

export function handleAuth(
  context: RequestContext,
  connection: ConnectionState,
  input: { xid: number; request: AuthRequest | SaslRequest },
): void {
  const { xid, request } = input;
  connection.stats.lastOp = request.type === 'auth' ? 'AUTH' : 'SASL';
  const answer = (err: number, body: { type: 'sasl'; token: null } | null): void => {
    // ZooKeeper: auth and sasl replies carry zxid 0.
    context.emit({
      kind: 'reply',
      connectionId: connection.id,
      reply: { header: { xid, zxid: 0n, err }, body },
    });
  };
  if (request.type === 'sasl') {
    if (request.token === null) {
      // ZooKeeper 3.8 hands the token to its SASL code, which fails on null: the connection
      // closes without a reply.
      context.closeConnection(connection, 'SASL packet with a null token');
      return;
    }
    // No SASL server is configured: ZooKeeper answers OK with a null token.
    answer(ErrorCode.Ok, { type: 'sasl', token: null });
    return;
  }
  if (request.scheme === 'digest' && request.auth !== null) {
    const text = request.auth === null ? '' : request.auth.toString('utf8');
    const id = context.options.digestOf(text);
    addIdentity(connection, { scheme: 'digest', id });
    if (context.options.superDigest !== null && id === context.options.superDigest) {
      addIdentity(connection, { scheme: 'super', id: '' });
    }
    answer(ErrorCode.Ok, null);
    return;
  }
  if (request.scheme === 'ip') {
    // ZooKeeper's IPAuthenticationProvider authenticates as the peer address, which every
    // connection already carries.
    answer(ErrorCode.Ok, null);
    return;
  }
  // ZooKeeper: no provider for the scheme (a null scheme included), or the digest provider
  // failing on a null credential, answers AUTHFAILED and closes the connection.
  answer(ErrorCode.AuthFailed, null);
  const why = request.scheme === 'digest' ? 'a null credential' : 'an unknown scheme';
  context.closeConnection(connection, `auth failed: ${why} ${JSON.stringify(request.scheme)}`);
}

function addIdentity(connection: ConnectionState, identity: { scheme: string; id: string }): void {
  const exists = connection.identities.some(
    (known) => known.scheme === identity.scheme && known.id === identity.id,
  );
  if (!exists) connection.identities.push(identity);
}
