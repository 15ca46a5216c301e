// The last odd corners of the client protocol, each sent as raw bytes to Apache ZooKeeper 3.8,
// to Zoo and to a follower of a 3-member Zoo ensemble, whose answers must agree: the order of
// whoAmI's identities (ZooKeeper keeps them in a hash set), deleteContainer and createSession
// sent by a client, checkWatches on a relative path, and bytes that are no frame right behind a
// ConnectRequest (ZooKeeper answers the connect first, then closes). Deliberate differences are
// gated by support/known-differences.ts (`isCornerCase`), as everywhere else.

import { expect, test } from 'vitest';
import { cornerDifference } from './support/known-differences.js';
import { decodeConnectResponse, decodeReplyHeader, JuteReader } from './support/protocol.js';
import {
  connectFrame,
  createFrame,
  exchangeRaw,
  headerOnlyFrame,
  rawFrame,
} from './support/raw-socket.js';
import type { SuiteContext } from './support/target-suite.js';
import { describeThreeWay } from './support/three-way-suites.js';

const whoAmIXid = 7;
const closeXid = 99;
const waitMs = 4_000;

const lengthOnly = (length: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(length, 0);
  return bytes;
};

const digestAuth = (user: string): Buffer =>
  rawFrame(-4, 100, (w) => {
    w.writeInt(0);
    w.writeUstring('digest');
    w.writeBuffer(Buffer.from(`${user}:secret`));
  });

const exists = (xid: number, path: string): Buffer =>
  rawFrame(xid, 3, (w) => (w.writeUstring(path), w.writeBool(false)));

const closeSession = headerOnlyFrame(closeXid, -11);

export interface CornerCase {
  name: string;
  /** The bytes after the ConnectRequest, given a path unique to this case and server. */
  bytes: (path: string) => Buffer;
  /** What Zoo must answer whatever ZooKeeper does (where ZooKeeper's answer is a race). */
  zoo?: CornerOutcome;
}

/** The ConnectResponse, then the close: ZooKeeper's answer to bytes that are no frame. */
const answeredThenClosed = {
  frames: ['connect: timeout 30000, session new'],
  isClosedByServer: true,
};

const whoAmICases: CornerCase[] = [0, 1, 2, 5, 11, 12, 13, 30].map((count) => ({
  name: `whoAmI after ${count} digest identities`,
  bytes: (path) =>
    Buffer.concat([
      ...Array.from({ length: count }, (_, index) => digestAuth(`${path.slice(1)}u${index}`)),
      headerOnlyFrame(whoAmIXid, 107),
      closeSession,
    ]),
}));

const cases: CornerCase[] = [
  ...whoAmICases,
  {
    name: 'deleteContainer (20) naming an empty container',
    bytes: (path) =>
      Buffer.concat([
        createFrame(1, path, { isContainer: true }),
        rawFrame(2, 20, (w) => w.writeUstring(path)),
        exists(3, path),
        createFrame(4, `${path}-after`),
        closeSession,
      ]),
  },
  {
    name: 'deleteContainer (20) with no body',
    bytes: (path) =>
      Buffer.concat([
        createFrame(1, path),
        headerOnlyFrame(2, 20),
        createFrame(3, `${path}-after`),
        closeSession,
      ]),
  },
  {
    name: 'createSession (−10) with a timeout',
    bytes: (path) =>
      Buffer.concat([
        rawFrame(2, -10, (w) => w.writeInt(5_000)),
        createFrame(3, path),
        closeSession,
      ]),
  },
  {
    name: 'createSession (−10) with no body',
    bytes: (path) =>
      Buffer.concat([
        createFrame(1, path),
        headerOnlyFrame(2, -10),
        createFrame(3, `${path}-after`),
        closeSession,
      ]),
  },
  {
    name: 'createSession (−10) with a short body',
    bytes: (path) =>
      Buffer.concat([
        createFrame(1, path),
        rawFrame(2, -10, (w) => w.writeBool(true)),
        createFrame(3, `${path}-after`),
        closeSession,
      ]),
  },
  {
    name: 'checkWatches on a relative path',
    bytes: () =>
      Buffer.concat([
        rawFrame(2, 17, (w) => (w.writeUstring('relative'), w.writeInt(3))),
        closeSession,
      ]),
  },
  ...[0x7fffffff, 0x100000, -5, -1].map((length) => ({
    name: `length prefix ${length} right behind the ConnectRequest`,
    bytes: () => lengthOnly(length),
    zoo: answeredThenClosed,
  })),
  {
    name: 'text right behind the ConnectRequest',
    bytes: () => Buffer.from('GET / HTTP/1.1\r\nHost: zoo\r\n\r\n'),
    zoo: answeredThenClosed,
  },
  {
    name: 'half a length prefix right behind the ConnectRequest',
    bytes: () => Buffer.from([0, 0]),
  },
];

/** The frames in words that hold on any server: zxids relative to the first one seen. */
function describeFrames(frames: readonly Buffer[]): string[] {
  let zxidBase: bigint | null = null;
  return frames.map((frame, index) => {
    if (index === 0) {
      const response = decodeConnectResponse(frame);
      const session = response.sessionId === 0n ? 'none' : 'new';
      return `connect: timeout ${response.timeoutMs}, session ${session}`;
    }
    const header = decodeReplyHeader(new JuteReader(frame));
    if (header.zxid > 0n) zxidBase ??= header.zxid;
    const zxid = header.zxid > 0n ? `z+${header.zxid - (zxidBase ?? 0n)}` : `${header.zxid}`;
    // Bodies by length: a stat holds times, which differ from server to server.
    const body = frame.subarray(16);
    const text = header.xid === whoAmIXid ? whoAmIText(body) : `${body.length} bytes`;
    return `xid ${header.xid} zxid ${zxid} err ${header.err} body ${text}`;
  });
}

/** whoAmI's ClientInfo list, digest users shown without the case's unique prefix. */
function whoAmIText(body: Buffer): string {
  const reader = new JuteReader(body);
  const count = reader.readInt();
  const infos: string[] = [];
  for (let index = 0; index < count; index += 1) {
    infos.push(`${reader.readUstring()}:${reader.readUstring()}`);
  }
  return infos.join(',');
}

export interface CornerOutcome {
  frames: string[];
  isClosedByServer: boolean;
}

async function runCorner(suite: SuiteContext, corner: CornerCase): Promise<CornerOutcome> {
  const { host, port } = suite.server();
  const path = suite.uniquePath('corner');
  const bytes = Buffer.concat([connectFrame(), corner.bytes(path)]);
  const exchange = await exchangeRaw({ host, port, bytes, waitMs });
  return { frames: describeFrames(exchange.frames), isClosedByServer: exchange.isClosedByServer };
}

const title = 'differential corners: Zoo against Apache ZooKeeper 3.8';
await describeThreeWay('differential-corners', title, { tickMs: 2000 }, (suites) => {
  for (const corner of cases) {
    test(corner.name, async () => {
      const [expected, ...actual] = await Promise.all(
        [suites.apache, ...suites.zoos.map((z) => z.suite)].map((suite) =>
          runCorner(suite, corner),
        ),
      );
      console.info(`[differential-corners] ${corner.name}: ${JSON.stringify(expected)}`);
      for (const [index, outcome] of actual.entries()) {
        const target = suites.zoos[index]?.name;
        if (corner.zoo !== undefined)
          expect({ target, ...outcome }).toEqual({ target, ...corner.zoo });
        const gated = cornerDifference({ name: corner.name, apache: expected!, zoo: outcome });
        if (gated !== null) {
          console.info(`[differential-corners] ${corner.name} on ${target}: gated ${gated}`);
          continue;
        }
        expect({ target, ...outcome }).toEqual({ target, ...expected });
      }
    });
  }
});
