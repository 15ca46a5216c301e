// The outside world as the runtime sees it: clock, deferred work, logging and the txn log.
// adapters/ implement it with Node (Date.now, setImmediate, fs); the simulator with virtual ones.

import type { Txn } from '../core/txn.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
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

/** Where txns are made durable. `done(upTo)` may be called synchronously (in-memory). */
export interface TxnLog {
  append(txns: readonly Txn[], done: (upTo: bigint) => void): void;
  close(): Promise<void>;
}

export interface Env {
  clock: Clock;
  scheduler: Scheduler;
  log: Logger;
  txnLog: TxnLog;
}
