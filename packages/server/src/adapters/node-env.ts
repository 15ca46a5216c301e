// The real-world Env: Date.now, setImmediate/setInterval, a console logger with levels, and
// node:crypto SHA-1 for digest auth. The simulator provides virtual twins of these.

import { createHash } from 'node:crypto';
import type { Clock, Logger, Scheduler } from '../runtime/env.js';
import type { Random } from '../core/replication/random.js';

export const systemClock: Clock = { nowMs: () => Date.now() };

export const nodeScheduler: Scheduler = {
  defer(task) {
    setImmediate(task);
  },
  every(intervalMs, task) {
    const timer = setInterval(task, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** Writes `<ISO time> <LEVEL> [<name>] message` lines to stderr at or above `level`. */
export function consoleLogger(options: { level: LogLevel; name: string }): Logger {
  const write = (level: Exclude<LogLevel, 'silent'>, message: string): void => {
    if (levelRank[level] < levelRank[options.level]) return;
    process.stderr.write(
      `${new Date().toISOString()} ${level.toUpperCase()} [${options.name}] ${message}\n`,
    );
  };
  return {
    debug: (message) => write('debug', message),
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
  };
}

/**
 * ZooKeeper's DigestAuthenticationProvider.generateDigest: `user:password` →
 * `user:base64(sha1(user:password))`, where user is the text before the first colon.
 */
export function sha1Digest(userAndPassword: string): string {
  const colon = userAndPassword.indexOf(':');
  const user = colon < 0 ? userAndPassword : userAndPassword.slice(0, colon);
  const hash = createHash('sha1').update(userAndPassword, 'utf8').digest('base64');
  return `${user}:${hash}`;
}

/** The real server's Random (election jitter): Math.random; the simulator injects a seeded one. */
export const mathRandom: Random = {
  nextFloat: () => Math.random(),
  nextInt: (min, max) => min + Math.floor(Math.random() * (max - min + 1)),
};
