// What the promise client needs from the world, injected so that the same client runs over real
// sockets and timers (src/adapters) or inside the simulator (virtual time, simulated network).

import type { ServerAddress } from '../core/server-list.js';

export interface Clock {
  /** Milliseconds on a monotonic-enough clock; only differences are used. */
  nowMs(): number;
}

export type TimerHandle = unknown;

export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** One connection to one server. write() never blocks; close() is idempotent. */
export interface Transport {
  write(bytes: Buffer): void;
  close(): void;
}

/** Called by the transport. onClose comes once, after an error or an end from either side. */
export interface TransportHandlers {
  onData(chunk: Buffer): void;
  onClose(reason: string): void;
}

/**
 * Opens a connection. Bytes written before it is established are queued by the transport;
 * a failure to connect is reported through onClose.
 */
export type TransportFactory = (server: ServerAddress, handlers: TransportHandlers) => Transport;

export interface ClientLogger {
  warn(message: string, error?: unknown): void;
}

export interface ClientEnv {
  clock: Clock;
  timers: Timers;
  /** Uniform in [0, 1). */
  random: () => number;
  connect: TransportFactory;
  log?: ClientLogger;
}
