// Keeps `depth` requests in flight on each of a set of pipelining connections until the source
// of requests runs dry: the one loop behind the timed wire workloads and the znode filler.

import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { Request } from '@zoo/client/protocol';
import type { LoadConnection, ReplyHandler } from './load-connection.js';

export interface PipelineSource {
  /** The next request to send, or null once no more should be sent. */
  next(): Request | null;
  /** Called with each reply, before the connection's next request is taken. */
  onReply: ReplyHandler;
}

/** Resolves once the source is dry and every connection has its replies. */
export function keepInFlight(
  connections: readonly LoadConnection[],
  depth: number,
  source: PipelineSource,
): Promise<void> {
  return Promise.all(
    connections.map(
      (connection) =>
        new Promise<void>((resolve, reject) => {
          // A lost connection fails the run instead of leaving it waiting for replies.
          connection.whenLost(reject);
          const issue = (): void => {
            const request = source.next();
            if (request === null) {
              if (connection.inFlight === 0) resolve();
              return;
            }
            connection.send(request, (err, latencyNs) => {
              source.onReply(err, latencyNs);
              issue();
            });
          };
          for (let i = 0; i < depth; i += 1) issue();
        }),
    ),
  ).then(() => undefined);
}

/** A create of `path` open to all, persistent unless `flags` say otherwise (2: sequential). */
export function createRequest(path: string, data: Buffer, flags = 0): Request {
  return {
    type: 'create',
    variant: 'create',
    path,
    data,
    acl: [...OPEN_ACL_UNSAFE],
    flags,
    ttl: -1n,
  };
}
