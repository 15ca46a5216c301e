// Requests whose path arrives as a Jute null (−1), answered as Apache ZooKeeper 3.8 answers each:
// setData and setACL are BadArguments, sync answers OK and echoes the null, addWatch is OK,
// removeWatches is NoWatcher, checkWatches and the reads are MarshallingError, getEphemerals with
// a null prefix lists every ephemeral. Checked on Apache ZooKeeper first, then on Zoo. Zxids are
// checked in compat-error-txn-zxid.test.ts.

import { describe, expect, test } from 'vitest';
import { decodeReplyHeader, JuteReader } from './support/protocol.js';
import type { JuteWriter } from './support/protocol.js';
import { connectFrame, exchangeRaw, rawFrame } from './support/raw-socket.js';
import { useTargetServer } from './support/target-suite.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const targets = await resolveTargets({ ensemble: true });
warnUnavailable('compat-null-paths', targets);

interface Case {
  name: string;
  opCode: number;
  /** Writes the fields after the (null) path. */
  rest: (writer: JuteWriter) => void;
  /** Writes the whole body instead (a multi, whose ops carry the null path). */
  body?: (writer: JuteWriter) => void;
  err: number;
  /** The reply body's bytes as hex, when the reply has one. */
  bodyHex?: string;
}

const world = (writer: JuteWriter): void => {
  writer.writeInt(1);
  writer.writeInt(31);
  writer.writeUstring('world');
  writer.writeUstring('anyone');
};

const cases: Case[] = [
  {
    name: 'setData',
    opCode: 5,
    rest: (w) => (w.writeBuffer(null), w.writeInt(-1)),
    err: -8,
  },
  { name: 'setACL', opCode: 7, rest: (w) => (world(w), w.writeInt(-1)), err: -8 },
  { name: 'sync', opCode: 9, rest: () => undefined, err: 0, bodyHex: 'ffffffff' },
  { name: 'addWatch', opCode: 106, rest: (w) => w.writeInt(0), err: 0, bodyHex: '00000000' },
  { name: 'removeWatches', opCode: 18, rest: (w) => w.writeInt(1), err: -121 },
  { name: 'checkWatches', opCode: 17, rest: (w) => w.writeInt(1), err: -5 },
  { name: 'getData', opCode: 4, rest: (w) => w.writeBool(false), err: -5 },
  { name: 'exists', opCode: 3, rest: (w) => w.writeBool(false), err: -5 },
  { name: 'getChildren2', opCode: 12, rest: (w) => w.writeBool(false), err: -5 },
  { name: 'getACL', opCode: 6, rest: () => undefined, err: -5 },
  { name: 'getAllChildrenNumber', opCode: 104, rest: () => undefined, err: -5 },
  { name: 'getEphemerals', opCode: 103, rest: () => undefined, err: 0, bodyHex: '00000000' },
  { name: 'delete', opCode: 2, rest: (w) => w.writeInt(-1), err: -5 },
  {
    // Prep fails on the null before the multi takes a zxid; the reply has an empty result list.
    name: 'multi [setData /, delete null]',
    opCode: 14,
    rest: () => undefined,
    body: (w) =>
      multiOps(w, [5, (v) => (v.writeUstring('/'), v.writeBuffer(null), v.writeInt(-1))]),
    err: -5,
    bodyHex: 'ffffffff01ffffffff',
  },
  {
    // Each read before the null path answers; the null one fails the request.
    name: 'multiRead [getChildren /zookeeper/quota, getData null]',
    opCode: 22,
    rest: () => undefined,
    body: (w) => multiOps(w, [8, (v) => (v.writeUstring('/zookeeper/quota'), v.writeBool(false))]),
    err: -5,
    bodyHex: '00000008' + '00' + '00000000' + '00000000' + 'ffffffff01ffffffff',
  },
  {
    // A multiRead of writes only parses, then fails on its first op: an empty MultiResponse.
    name: 'multiRead [delete /, delete null]',
    opCode: 22,
    rest: () => undefined,
    body: (w) => multiOps(w, [2, (v) => (v.writeUstring('/'), v.writeInt(-1))]),
    err: -5,
    bodyHex: 'ffffffff01ffffffff',
  },
];

/** The ops given, then one whose path is null (delete in a multi, getData in a multiRead). */
function multiOps(writer: JuteWriter, [type, record]: [number, (w: JuteWriter) => void]): void {
  writer.writeInt(type);
  writer.writeBool(false);
  writer.writeInt(-1);
  record(writer);
  writer.writeInt(type === 8 ? 4 : 2);
  writer.writeBool(false);
  writer.writeInt(-1);
  writer.writeUstring(null);
  if (type === 8) writer.writeBool(false);
  else writer.writeInt(-1);
  writer.writeInt(-1);
  writer.writeBool(true);
  writer.writeInt(-1);
}

for (const { target, isAvailable, reason } of targets) {
  const title = `null paths against ${target.name}`;
  describe.skipIf(!isAvailable)(isAvailable ? title : `${title} (SKIPPED: ${reason})`, () => {
    const suite = useTargetServer(target, { tickMs: 2000 });
    for (const c of cases) {
      test(`${c.name}(null): err ${c.err}`, async () => {
        const request = rawFrame(1, c.opCode, (writer) => {
          if (c.body !== undefined) return c.body(writer);
          writer.writeUstring(null);
          c.rest(writer);
        });
        const ping = rawFrame(-2, 11, () => undefined);
        const bytes = Buffer.concat([connectFrame(), request, ping]);
        const { host, port } = suite.server();
        const exchange = await exchangeRaw({ host, port, bytes, waitMs: 5_000, framesWanted: 3 });
        const reply = exchange.frames[1] ?? Buffer.alloc(0);
        const header = decodeReplyHeader(new JuteReader(reply));
        expect([header.xid, header.err]).toEqual([1, c.err]);
        expect(reply.subarray(16).toString('hex')).toBe(c.bodyHex ?? '');
        // The connection stays up: the ping behind the request is answered.
        expect(exchange.frames).toHaveLength(3);
        expect(exchange.isClosedByServer).toBe(false);
      });
    }
  });
}
