// Auth and SASL packets that no well-behaved client sends — a Jute null scheme or credential,
// an empty body, a null SASL token — answered byte for byte as Apache ZooKeeper 3.8 answers
// them: AuthFailed (zxid 0) and a close, a close without a reply, or OK. Each case runs on
// Apache ZooKeeper first, so the expectations are checked against the real server every run.

import { describe, expect, test } from 'vitest';
import { decodeReplyHeader, JuteReader } from './support/protocol.js';
import { connectFrame, exchangeRaw, headerOnlyFrame, rawFrame } from './support/raw-socket.js';
import { useTargetServer } from './support/target-suite.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const targets = await resolveTargets({ ensemble: true });
warnUnavailable('compat-auth', targets);

const authXid = -4;
const saslXid = -8;
const whoAmIXid = 7;

function authFrame(scheme: string | null, auth: Buffer | null): Buffer {
  return rawFrame(authXid, 100, (writer) => {
    writer.writeInt(0);
    writer.writeUstring(scheme);
    writer.writeBuffer(auth);
  });
}

interface Case {
  name: string;
  packet: Buffer;
  /** The auth/SASL reply header, or null when the server closes without one. */
  reply: { xid: number; zxid: bigint; err: number } | null;
  isClosed: boolean;
}

const cases: Case[] = [
  {
    name: 'a null scheme answers AuthFailed, then closes',
    packet: authFrame(null, Buffer.from('x')),
    reply: { xid: authXid, zxid: 0n, err: -115 },
    isClosed: true,
  },
  {
    name: 'digest with a null credential answers AuthFailed, then closes',
    packet: authFrame('digest', null),
    reply: { xid: authXid, zxid: 0n, err: -115 },
    isClosed: true,
  },
  {
    name: 'digest with an empty credential succeeds',
    packet: authFrame('digest', Buffer.alloc(0)),
    reply: { xid: authXid, zxid: 0n, err: 0 },
    isClosed: false,
  },
  {
    name: 'ip with a null credential succeeds (the address is the identity)',
    packet: authFrame('ip', null),
    reply: { xid: authXid, zxid: 0n, err: 0 },
    isClosed: false,
  },
  {
    name: 'an auth packet with no body closes without a reply',
    packet: headerOnlyFrame(authXid, 100),
    reply: null,
    isClosed: true,
  },
  {
    name: 'a SASL packet with no body closes without a reply',
    packet: headerOnlyFrame(saslXid, 102),
    reply: null,
    isClosed: true,
  },
  {
    name: 'a SASL packet with a null token closes without a reply',
    packet: rawFrame(saslXid, 102, (writer) => writer.writeBuffer(null)),
    reply: null,
    isClosed: true,
  },
  {
    name: 'a SASL token answers OK with a null token (no SASL server configured)',
    packet: rawFrame(saslXid, 102, (writer) => writer.writeBuffer(Buffer.from('A'))),
    reply: { xid: saslXid, zxid: 0n, err: 0 },
    isClosed: false,
  },
];

for (const { target, isAvailable, reason } of targets) {
  const title = `auth packets against ${target.name}`;
  describe.skipIf(!isAvailable)(isAvailable ? title : `${title} (SKIPPED: ${reason})`, () => {
    const suite = useTargetServer(target, { tickMs: 2000 });
    for (const c of cases) {
      test(c.name, async () => {
        // A whoAmI behind the packet shows whether the connection still serves requests.
        const bytes = Buffer.concat([connectFrame(), c.packet, headerOnlyFrame(whoAmIXid, 107)]);
        const { host, port } = suite.server();
        const exchange = await exchangeRaw({ host, port, bytes, waitMs: 5_000, framesWanted: 3 });
        const headers = exchange.frames
          .slice(1)
          .map((payload) => decodeReplyHeader(new JuteReader(payload)));
        if (c.reply === null) expect(headers).toEqual([]);
        else expect(headers[0]).toEqual(c.reply);
        expect(exchange.isClosedByServer).toBe(c.isClosed);
        if (!c.isClosed) expect(headers[1]).toMatchObject({ xid: whoAmIXid, err: 0 });
      });
    }
  });
}
