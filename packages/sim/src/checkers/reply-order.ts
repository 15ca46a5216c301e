// The session's wire order (ZooKeeper's FIFO client order), from what the session tap saw: on
// each connection the replies come back in the order the requests went out (xids increasing),
// and a session's writes take effect in the order it sent them, so the zxids of its successful
// writes increase in that order, across its connections too. Pipelined sessions have many
// requests in flight; a server that answered or committed them out of order breaks one rule.

import type { SessionEntry, SessionLog, Violation } from '../history/history.js';
import { formatZxid } from './zab-invariants.js';

const checker = 'session';

/** The requests whose successful reply carries the zxid of the txn they made. */
const writeNames: ReadonlySet<string> = new Set([
  'create',
  'create2',
  'createContainer',
  'createTTL',
  'delete',
  'deleteContainer',
  'setData',
  'setACL',
  'multi',
]);

type Reply = Extract<SessionEntry, { type: 'reply' }>;

function nameOf(reply: Reply): string {
  return reply.call.op === 'other' ? reply.call.name : reply.call.op;
}

function describeReply(reply: Reply): string {
  return (
    `${nameOf(reply)} xid ${reply.xid ?? '?'} (zxid ${formatZxid(reply.zxid)}, ` +
    `at ${reply.atMs}ms on connection ${reply.connection})`
  );
}

export function checkReplyOrder(sessions: readonly SessionLog[]): Violation[] {
  const out: Violation[] = [];
  for (const log of sessions) out.push(...checkSession(log));
  return out;
}

function checkSession(log: SessionLog): Violation[] {
  const out: Violation[] = [];
  const session = `session ${log.sessionId === null ? 'none' : formatZxid(log.sessionId)}`;
  const who = `${session} (process ${log.process})`;
  const lastByConnection = new Map<number, Reply>();
  let lastWrite: Reply | null = null;
  for (const entry of log.entries) {
    if (entry.type !== 'reply' || entry.xid === undefined || entry.xid <= 0) continue;
    const last = lastByConnection.get(entry.connection);
    if (last?.xid !== undefined && entry.xid <= last.xid) {
      out.push({
        checker,
        message: `ReplyOrder: ${who}: ${describeReply(entry)} came after ${describeReply(last)}`,
      });
    }
    lastByConnection.set(entry.connection, entry);
    if (entry.err !== 0 || !writeNames.has(nameOf(entry))) continue;
    if (lastWrite !== null && entry.zxid <= lastWrite.zxid) {
      out.push({
        checker,
        message:
          `WriteOrder: ${who}: ${describeReply(entry)} was sent after ` +
          `${describeReply(lastWrite)} but took effect before it`,
      });
    }
    lastWrite = entry;
  }
  return out;
}
