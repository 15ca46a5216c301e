// The data a ClientSession takes in and hands out: calls submitted by the API layer, and the
// outputs (connect, send, disconnect, completions, watch events, session events) it drains.

import { ErrorCode, KeeperState, errorCodeName } from '../protocol/index.js';
import type { EventTypeValue, Request, Response, ZooError } from '../protocol/index.js';
import type { ServerAddress } from './server-list.js';

/**
 * Where the session is. `connecting` covers waiting to reconnect and the handshake; the last
 * three are terminal (ZooKeeper: ZooKeeper.States CLOSED and AUTH_FAILED; expiry ends in CLOSED
 * there, kept apart here so that callers can tell why the session ended).
 */
export type SessionState =
  | 'connecting'
  | 'connected'
  | 'connectedReadOnly'
  | 'closing'
  | 'closed'
  | 'expired'
  | 'authFailed';

export type SessionEvent =
  'connected' | 'connectedReadOnly' | 'disconnected' | 'expired' | 'authFailed' | 'closed';

export interface ClientSessionOptions {
  servers: readonly ServerAddress[];
  chroot?: string | null;
  /** Requested session timeout; the server negotiates the one in force. */
  sessionTimeoutMs: number;
  /** Uniform in [0, 1): shuffles the servers and spreads reconnect attempts. */
  random: () => number;
  nowMs: number;
  /** Sent as the ConnectRequest readOnly byte: accept a read-only server. */
  canBeReadOnly?: boolean;
  /** Resume an existing session instead of creating one. */
  sessionId?: bigint;
  passwd?: Buffer;
  packetBytesMax?: number;
  /** Upper bound of the random pause before retrying after a failed connection attempt. */
  reconnectDelayMaxMs?: number;
  requestsOutstandingMax?: number;
}

export type EndReason = 'closed' | 'expired' | 'authFailed';

/**
 * What an ending means for calls still outstanding and for the watches still registered.
 * ZooKeeper: ClientCnxn.conLossPacket and the final None event each watcher receives.
 */
export const sessionEndings: Record<EndReason, { code: number; keeperState: number }> = {
  closed: { code: ErrorCode.ConnectionLoss, keeperState: KeeperState.closed },
  expired: { code: ErrorCode.SessionExpired, keeperState: KeeperState.expired },
  authFailed: { code: ErrorCode.AuthFailed, keeperState: KeeperState.authFailed },
};

export function isTerminalState(state: SessionState): boolean {
  return state === 'closed' || state === 'expired' || state === 'authFailed';
}

/**
 * What a watch listener receives. Node events carry state 3 (SyncConnected). When the session
 * ends, each remaining listener gets one event of type None (−1) with the final KeeperState
 * (Expired −112, Closed 7, AuthFailed 4), as ZooKeeper's client delivers it to every watcher.
 */
export interface WatchEvent {
  type: EventTypeValue;
  state: number;
  path: string;
}

/** One request from the API layer. Paths are client paths (the session applies the chroot). */
export interface SessionCall<T, L> {
  request: Request;
  /** Handed back in the `complete` output. */
  token: T;
  /**
   * exists/getData/getChildren: the one-shot listener to register; addWatch: the persistent
   * listener; removeWatches sent as checkWatches: the one listener to remove.
   */
  watcher?: L;
  /** removeWatches only: remove locally without asking the server. */
  local?: boolean;
}

export type RequestOutcome =
  { ok: true; response: Response; zxid: bigint } | { ok: false; error: ZooError };

export type SessionOutput<T, L> =
  | { type: 'connect'; connectionId: number; server: ServerAddress }
  | { type: 'send'; connectionId: number; bytes: Buffer }
  | { type: 'disconnect'; connectionId: number; reason: string }
  | { type: 'complete'; token: T; outcome: RequestOutcome }
  | { type: 'watch'; listeners: L[]; event: WatchEvent }
  | { type: 'event'; event: SessionEvent };

/** One line per output, for logs and test transcripts. */
export function describeSessionOutput<T, L>(output: SessionOutput<T, L>): string {
  switch (output.type) {
    case 'connect':
      return `connect #${output.connectionId} ${output.server.host}:${output.server.port}`;
    case 'send':
      return `send #${output.connectionId} ${output.bytes.length} bytes`;
    case 'disconnect':
      return `disconnect #${output.connectionId} (${output.reason})`;
    case 'complete':
      return output.outcome.ok
        ? `complete ok ${output.outcome.response.type} zxid=0x${output.outcome.zxid.toString(16)}`
        : `complete error ${errorCodeName(output.outcome.error.code)}`;
    case 'watch':
      return (
        `watch type=${output.event.type} path=${output.event.path} ` +
        `listeners=${output.listeners.length}`
      );
    case 'event':
      return `event ${output.event}`;
  }
}
