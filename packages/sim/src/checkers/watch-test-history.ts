// Hand-made histories for the watch checker's tests: committed txns written as the servers'
// delivered events (with the real fingerprint), and one session's log built entry by entry.

import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { Txn, TxnBody } from '@zoo/server/internals';
import { emptyHistory } from '../history/history.js';
import type {
  History,
  RecordedCall,
  ServerEvent,
  SessionEntry,
  SessionLog,
  WatchKind,
} from '../history/history.js';
import { txnFingerprint } from '../node/observed-replication.js';
import { checkWatchOrder } from './watch-order.js';

export function create(path: string, owner = 0n): TxnBody {
  const data = Buffer.from('x');
  return {
    type: 'create',
    path,
    data,
    acl: OPEN_ACL_UNSAFE,
    ephemeralOwner: owner,
    parentCVersion: 1,
  };
}

export function setData(path: string): TxnBody {
  return { type: 'setData', path, data: Buffer.from('y'), version: 1 };
}

export function remove(path: string): TxnBody {
  return { type: 'delete', path };
}

export function multi(...ops: TxnBody[]): TxnBody {
  return { type: 'multi', ops };
}

export function closeSession(session: bigint, listed: string[] = []): Txn {
  return {
    zxid: 0n,
    timeMs: 0,
    sessionId: session,
    cxid: 0,
    body: { type: 'closeSession', ephemeralPaths: listed },
  };
}

/** The servers' deliveries of `bodies`, the first at zxid `first` (a Txn keeps its session). */
export function committed(first: number, ...bodies: Array<TxnBody | Txn>): ServerEvent[] {
  return bodies.map((item, i) => {
    const zxid = BigInt(first + i);
    const txn: Txn =
      'body' in item
        ? { ...item, zxid }
        : { zxid, timeMs: 0, sessionId: 0x5n, cxid: i, body: item };
    const fingerprint = txnFingerprint(txn);
    return { type: 'delivered', atMs: 0, server: 1, incarnation: 1, zxid, fingerprint };
  });
}

const other: RecordedCall = { op: 'other', name: 'setData' };

/** One session's log, as the tap would record it. */
export class SessionScript {
  readonly entries: SessionEntry[] = [];
  private connection = 0;
  private atMs = 0;

  connect(): this {
    this.connection += 1;
    return this.push({ type: 'connected', atMs: 0, connection: 0, server: 's1' });
  }

  lose(): this {
    return this.push({ type: 'lost', atMs: 0, connection: 0 });
  }

  reply(zxid: number, call: RecordedCall = other, err = 0): this {
    return this.push({ type: 'reply', atMs: 0, connection: 0, zxid: BigInt(zxid), err, call });
  }

  getData(path: string, zxid: number, err = 0): this {
    return this.reply(zxid, { op: 'getData', path, watch: true }, err);
  }

  exists(path: string, zxid: number, err = 0): this {
    return this.reply(zxid, { op: 'exists', path, watch: true }, err);
  }

  children(path: string, zxid: number): this {
    return this.reply(zxid, { op: 'getChildren', path, watch: true });
  }

  addWatch(path: string, mode: 0 | 1, zxid: number): this {
    return this.reply(zxid, { op: 'addWatch', path, mode });
  }

  /** eventType: 1 created, 2 deleted, 3 dataChanged, 4 childrenChanged. */
  event(eventType: number, path: string): this {
    return this.push({ type: 'event', atMs: 0, connection: 0, eventType, path });
  }

  setWatches(relative: number, lists: Partial<Record<WatchKind, string[]>>): this {
    const watches = {
      data: lists.data ?? [],
      exist: lists.exist ?? [],
      child: lists.child ?? [],
      persistent: lists.persistent ?? [],
      persistentRecursive: lists.persistentRecursive ?? [],
    };
    const entry: SessionEntry = {
      type: 'setWatches',
      atMs: 0,
      connection: 0,
      relativeZxid: BigInt(relative),
      watches,
    };
    return this.push(entry);
  }

  setWatchesReply(zxid: number): this {
    return this.reply(zxid, { op: 'setWatches' });
  }

  history(server: ServerEvent[]): History {
    const log: SessionLog = { process: 1, sessionId: 0x5n, entries: this.entries };
    return { ...emptyHistory(), server, sessions: [log] };
  }

  private push(entry: SessionEntry): this {
    this.atMs += 1;
    this.entries.push({ ...entry, atMs: this.atMs, connection: this.connection });
    return this;
  }
}

/** What the watch checker says of one session's script over these committed txns. */
export function watchMessages(script: SessionScript, server: ServerEvent[]): string[] {
  return checkWatchOrder(script.history(server)).map((v) => `${v.checker}: ${v.message}`);
}

export const created = 1;
export const deleted = 2;
export const dataChanged = 3;
export const childrenChanged = 4;
