// A wire-level session check, fed every byte of every client connection: ZooKeeper's single
// system image ("a client never sees an older view, even after failing over"). A server may take
// a connection only if it has applied the lastZxidSeen of its ConnectRequest; from then on each
// reply's header zxid (the server's last applied zxid, or a write's own) is at least that. So a
// reply below it means a server served a session from a view older than the client had seen.
// It catches that at the first reply (a ping's will do); the register checker needs a read of
// the right path in time, which the workload's few reads rarely give.

import { FrameReader } from '@zoo/client/protocol';
import type { Violation } from '../history/history.js';

/** A connection as the links see it: who dialled whom. */
export interface LinkEnds {
  readonly client: string;
  readonly server: string;
}

interface Watched {
  /** The lastZxidSeen of the ConnectRequest the client sent (null until it is in). */
  lastZxidSeen: bigint | null;
  sessionId: bigint | null;
  toServer: FrameReader;
  toClient: FrameReader;
  isReported: boolean;
}

const headerBytes = 4 + 8;

export class SingleSystemImageCheck {
  private readonly connections = new WeakMap<LinkEnds, Watched>();

  constructor(
    private readonly violations: Violation[],
    private readonly nowMs: () => number,
  ) {}

  /** The client wrote `bytes` (its own: before any planted rewrite). */
  toServer(connection: LinkEnds, bytes: Buffer): void {
    const watched = this.watched(connection);
    if (watched.lastZxidSeen !== null) return;
    watched.toServer.push(bytes);
    // The first frame is the ConnectRequest: protocolVersion, then lastZxidSeen.
    const frame = watched.toServer.next();
    if (frame !== null && frame.length >= 4 + 8) watched.lastZxidSeen = frame.readBigInt64BE(4);
  }

  /** The server wrote `bytes`, and they are on their way to the client. */
  toClient(connection: LinkEnds, bytes: Buffer): void {
    const watched = this.watched(connection);
    if (watched.isReported) return;
    watched.toClient.push(bytes);
    for (let frame = watched.toClient.next(); frame !== null; frame = watched.toClient.next()) {
      if (watched.sessionId === null) {
        // The ConnectResponse: protocolVersion, timeout, then the session id.
        watched.sessionId = frame.length >= 16 ? frame.readBigInt64BE(8) : -1n;
        continue;
      }
      if (frame.length < headerBytes) continue;
      const zxid = frame.readBigInt64BE(4);
      const seen = watched.lastZxidSeen ?? 0n;
      // Notifications carry -1 and auth replies 0: they speak of no view.
      if (zxid <= 0n || zxid >= seen) continue;
      watched.isReported = true;
      const reply = { zxid, xid: frame.readInt32BE(0), atMs: this.nowMs() };
      this.violations.push(violationOf(connection, watched, reply));
      return;
    }
  }

  private watched(connection: LinkEnds): Watched {
    let watched = this.connections.get(connection);
    if (watched === undefined) {
      watched = {
        lastZxidSeen: null,
        sessionId: null,
        toServer: new FrameReader(),
        toClient: new FrameReader(),
        isReported: false,
      };
      this.connections.set(connection, watched);
    }
    return watched;
  }
}

function violationOf(
  connection: LinkEnds,
  watched: Watched,
  reply: { zxid: bigint; xid: number; atMs: number },
): Violation {
  const hex = (value: bigint | null): string => `0x${(value ?? 0n).toString(16)}`;
  return {
    checker: 'session',
    message:
      `SingleSystemImage: ${connection.server} answered ${connection.client}'s session ` +
      `${hex(watched.sessionId)} at ${reply.atMs.toFixed(1)}ms (xid ${reply.xid}) with zxid ` +
      `${hex(reply.zxid)}, older than ` +
      `the lastZxidSeen ${hex(watched.lastZxidSeen)} its ConnectRequest carried`,
  };
}
