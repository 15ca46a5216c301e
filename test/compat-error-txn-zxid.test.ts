// A write that ZooKeeper's PrepRequestProcessor refuses before it looks at the tree still becomes
// an error txn with a zxid of its own: a create, delete, setData, setACL or multi whose body does
// not parse (MarshallingError), and a reconfig while reconfig is disabled (ReconfigDisabled).
// Checked on Apache ZooKeeper first, then on Zoo alone and through a follower of a Zoo ensemble
// (where the refusal is forwarded to the leader for its zxid).

import { describe, expect, test } from 'vitest';
import { decodeReplyHeader, JuteReader, type JuteWriter } from './support/protocol.js';
import { connectFrame, createFrame, exchangeRaw, rawFrame } from './support/raw-socket.js';
import { useTargetServer } from './support/target-suite.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const targets = await resolveTargets({ ensemble: true });
warnUnavailable('compat-error-txn-zxid', targets);

interface Case {
  name: string;
  opCode: number;
  body: (writer: JuteWriter) => void;
  err: number;
}

const cases: Case[] = [
  { name: 'create with a truncated body', opCode: 1, body: (w) => w.writeUstring('/x'), err: -5 },
  { name: 'delete with a null path', opCode: 2, body: (w) => w.writeUstring(null), err: -5 },
  { name: 'setData with no body', opCode: 5, body: () => undefined, err: -5 },
  { name: 'multi with a truncated op', opCode: 14, body: (w) => w.writeInt(2), err: -5 },
  {
    name: 'reconfig (disabled)',
    opCode: 16,
    body: (w) => (w.writeUstring(null), w.writeUstring(null), w.writeUstring(''), w.writeLong(-1n)),
    err: -123,
  },
];

for (const { target, isAvailable, reason } of targets) {
  const title = `refused writes take a zxid on ${target.name}`;
  describe.skipIf(!isAvailable)(isAvailable ? title : `${title} (SKIPPED: ${reason})`, () => {
    const suite = useTargetServer(target, { tickMs: 2000 });
    for (const c of cases) {
      test(`${c.name}: err ${c.err}, zxid between the writes around it`, async () => {
        const path = suite.uniquePath('refused');
        const bytes = Buffer.concat([
          connectFrame(),
          createFrame(1, path),
          rawFrame(2, c.opCode, c.body),
          createFrame(3, `${path}-after`),
        ]);
        const { host, port } = suite.server();
        const exchange = await exchangeRaw({ host, port, bytes, waitMs: 10_000, framesWanted: 4 });
        const headers = exchange.frames.slice(1).map((f) => decodeReplyHeader(new JuteReader(f)));
        expect(headers.map((h) => [h.xid, h.err])).toEqual([
          [1, 0],
          [2, c.err],
          [3, 0],
        ]);
        const [before, refused, after] = headers.map((h) => h.zxid);
        expect([refused, after]).toEqual([(before ?? 0n) + 1n, (before ?? 0n) + 2n]);
      });
    }
  });
}
