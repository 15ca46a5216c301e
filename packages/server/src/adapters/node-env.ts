// The real-world Env: Date.now, setImmediate/setInterval, a console logger with levels, and
// node:crypto SHA-1 for digest auth. The simulator provides virtual twins of these.

import { createHash } from 'node:crypto';
import type { Clock, LogFields, Logger, Scheduler } from '../runtime/env.js';
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
/** `text` (the default) for people, `json` (one object a line) for log collectors. */
export type LogFormat = 'text' | 'json';
const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/**
 * Writes lines to stderr at or above `level`: `<ISO time> <LEVEL> [<name>] message k=v…` as
 * text, or `{"time","level","member","msg","fields"}` as JSON.
 */
export function consoleLogger(options: {
  level: LogLevel;
  name: string;
  format?: LogFormat;
}): Logger {
  const format = options.format ?? 'text';
  const write = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (levelRank[level] < levelRank[options.level]) return;
    const time = new Date().toISOString();
    process.stderr.write(
      format === 'json'
        ? `${jsonLine({ time, level, member: options.name, msg: message, fields })}\n`
        : `${time} ${level.toUpperCase()} [${options.name}] ${message}${fieldsText(fields)}\n`,
    );
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

/** One JSON object; bigints (zxids, session ids) as decimal strings, no `fields` when empty. */
function jsonLine(entry: { fields: LogFields | undefined } & Record<string, unknown>): string {
  const { fields, ...rest } = entry;
  const line = fields === undefined || Object.keys(fields).length === 0 ? rest : entry;
  return JSON.stringify(line, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

function fieldsText(fields: LogFields | undefined): string {
  if (fields === undefined) return '';
  return Object.entries(fields)
    .map(([key, value]) => ` ${key}=${String(value)}`)
    .join('');
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
