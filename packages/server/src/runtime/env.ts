// The outside world as the runtime sees it: clock, deferred work, logging and the txn log.
// adapters/ implement it with Node (Date.now, setImmediate, fs); the simulator with virtual ones.

import type { PersistOp } from '../core/replication/replication.js';
import type { OutgoingMessage } from '../core/zab/messages.js';

/** Structured details of a log line (a JSON logger writes them as its `fields`). */
export type LogFields = Readonly<Record<string, string | number | bigint | boolean | null>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface Clock {
  /** Wall-clock milliseconds: stamps txn times (ctime/mtime) and drives session expiry. */
  nowMs(): number;
}

export interface Scheduler {
  /** Runs `task` once, after the current event-loop turn's I/O callbacks. */
  defer(task: () => void): void;
  /** Runs `task` every `intervalMs`; returns a function that stops it. */
  every(intervalMs: number, task: () => void): () => void;
}

/**
 * Where replication's durable writes go (txns, truncations, snapshots, epochs). `done` runs once
 * all of `ops` are durable, with the last txn zxid written (null if none); it may run at once.
 */
export interface TxnLog {
  write(ops: readonly PersistOp[], done: (lastTxnZxid: bigint | null) => void): void;
  close(): Promise<void>;
}

/**
 * Where messages to other members of the ensemble go (dropped while a link is down). A SnapSend
 * is read to its end or abandoned (messages.ts).
 */
export interface PeerSender {
  send(to: number, message: OutgoingMessage): void;
}

export interface Env {
  clock: Clock;
  scheduler: Scheduler;
  log: Logger;
  txnLog: TxnLog;
  peers: PeerSender;
}
