// setWatches / setWatches2 with a Jute null list or path: ZooKeeper handles every path before
// the null (catch-up events sent, watches set), then answers MarshallingError. Checked on Apache
// ZooKeeper first, then on Zoo.

import { describe, expect, test } from 'vitest';
import {
  decodeNotification,
  decodeReplyHeader,
  JuteReader,
  type JuteWriter,
} from './support/protocol.js';
import { connectFrame, exchangeRaw, rawFrame } from './support/raw-socket.js';
import { useTargetServer } from './support/target-suite.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const targets = await resolveTargets({});
warnUnavailable('compat-set-watches-null', targets);

interface Case {
  name: string;
  opCode: number;
  /** Writes the lists after relativeZxid 0, given the node that exists. */
  lists: (writer: JuteWriter, path: string) => void;
}

const paths = (writer: JuteWriter, list: (string | null)[] | null): void => {
  if (list === null) return writer.writeInt(-1);
  writer.writeInt(list.length);
  for (const path of list) writer.writeUstring(path);
};

const cases: Case[] = [
  {
    name: 'setWatches, null exist list',
    opCode: 101,
    lists: (w, p) => (paths(w, [p]), paths(w, null), paths(w, [p])),
  },
  {
    name: 'setWatches, null path after a data watch',
    opCode: 101,
    lists: (w, p) => (paths(w, [p, null, `${p}/x`]), paths(w, []), paths(w, [p])),
  },
  {
    name: 'setWatches2, null persistent list after child watches',
    opCode: 105,
    lists: (w, p) => (paths(w, [p]), paths(w, []), paths(w, [p]), paths(w, null), paths(w, [])),
  },
];

for (const { target, isAvailable, reason } of targets) {
  const title = `setWatches with nulls against ${target.name}`;
  describe.skipIf(!isAvailable)(isAvailable ? title : `${title} (SKIPPED: ${reason})`, () => {
    const suite = useTargetServer(target, { tickMs: 2000 });
    for (const c of cases) {
      test(`${c.name}: catch-up events first, then MarshallingError`, async () => {
        const path = suite.uniquePath('set-watches-null');
        const create = rawFrame(1, 1, (w) => {
          w.writeUstring(path);
          w.writeBuffer(Buffer.from('x'));
          w.writeAclVector([{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
          w.writeInt(0);
        });
        const setWatches = rawFrame(-8, c.opCode, (w) => (w.writeLong(0n), c.lists(w, path)));
        const bytes = Buffer.concat([connectFrame(), create, setWatches]);
        const { host, port } = suite.server();
        // The data watch on the node (changed since zxid 0) fires at once; so does a child watch.
        const expected = c.opCode === 101 ? ['event 3 @'] : ['event 3 @', 'event 4 @'];
        const framesWanted = 2 + expected.length + 1;
        const exchange = await exchangeRaw({ host, port, bytes, waitMs: 10_000, framesWanted });
        const seen = exchange.frames.slice(2).map((frame) => {
          const reader = new JuteReader(frame);
          const header = decodeReplyHeader(reader);
          if (header.xid !== -1) return `reply ${header.xid} err ${header.err}`;
          const event = decodeNotification(reader);
          return `event ${event.type} ${event.path.replace(path, '@')}`;
        });
        expect(seen).toEqual([...expected, 'reply -8 err -5']);
      });
    }
  });
}
