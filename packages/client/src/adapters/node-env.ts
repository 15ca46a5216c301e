// The real Env of the client: wall-clock time, Node timers, Math.random and TCP sockets.

import type { ClientEnv, ClientLogger } from '../api/env.js';
import { connectTcp } from './tcp-transport.js';

const consoleLogger: ClientLogger = {
  warn(message: string, error?: unknown): void {
    console.warn(`[zoo-client] ${message}`, error);
  },
};

export function nodeClientEnv(options: { log?: ClientLogger } = {}): ClientEnv {
  return {
    clock: { nowMs: () => performance.now() },
    timers: {
      setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    random: Math.random,
    connect: connectTcp,
    log: options.log ?? consoleLogger,
  };
}
