// ACL entries with a Jute null scheme or id (kazoo writes an empty id so) in create and setACL,
// answered as Apache ZooKeeper 3.8 answers them: a null scheme is InvalidACL; `auth` ignores its
// id and expands to the caller's digest identity (InvalidACL without one); `world`, `digest` and
// `ip` with a null id are MarshallingError, as Java's null dereference there is. Each case runs
// on Apache ZooKeeper first, so the expectations are checked against the real server every run.

import { describe, expect, test } from 'vitest';
import { decodeReplyHeader, decodeResponseBody, JuteReader } from './support/protocol.js';
import type { JuteWriter } from './support/protocol.js';
import { connectFrame, exchangeRaw, rawFrame } from './support/raw-socket.js';
import { useTargetServer } from './support/target-suite.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const targets = await resolveTargets({ ensemble: true });
warnUnavailable('compat-null-acl', targets);

type Entry = [scheme: string | null, id: string | null];

const digestBob = rawFrame(-4, 100, (writer) => {
  writer.writeInt(0);
  writer.writeUstring('digest');
  writer.writeBuffer(Buffer.from('bob:pw'));
});

function writeAcl(writer: JuteWriter, entries: readonly Entry[]): void {
  writer.writeInt(entries.length);
  for (const [scheme, id] of entries) {
    writer.writeInt(31);
    writer.writeUstring(scheme);
    writer.writeUstring(id);
  }
}

function createFrame(path: string, entries: readonly Entry[]): Buffer {
  return rawFrame(1, 1, (writer) => {
    writer.writeUstring(path);
    writer.writeBuffer(null);
    writeAcl(writer, entries);
    writer.writeInt(0);
  });
}

function setAclFrame(path: string, entries: readonly Entry[]): Buffer {
  return rawFrame(1, 7, (writer) => {
    writer.writeUstring(path);
    writeAcl(writer, entries);
    writer.writeInt(-1);
  });
}

interface Case {
  name: string;
  isAuthenticated: boolean;
  request: (path: string) => Buffer;
  err: number;
}

const invalidAcl = -114;
const marshallingError = -5;
const cases: Case[] = [
  {
    name: 'a null scheme',
    isAuthenticated: false,
    request: (p) => createFrame(p, [[null, 'x']]),
    err: invalidAcl,
  },
  {
    name: 'auth with a null id and no identity',
    isAuthenticated: false,
    request: (p) =>
      createFrame(p, [
        ['auth', null],
        ['world', 'anyone'],
      ]),
    err: invalidAcl,
  },
  {
    name: 'auth with a null id after digest auth',
    isAuthenticated: true,
    request: (p) => createFrame(p, [['auth', null]]),
    err: 0,
  },
  {
    name: 'world with a null id',
    isAuthenticated: false,
    request: (p) => createFrame(p, [['world', null]]),
    err: marshallingError,
  },
  {
    name: 'digest with a null id',
    isAuthenticated: false,
    request: (p) => createFrame(p, [['digest', null]]),
    err: marshallingError,
  },
  {
    name: 'ip with a null id',
    isAuthenticated: false,
    request: (p) => createFrame(p, [['ip', null]]),
    err: marshallingError,
  },
  {
    name: 'an unknown scheme with a null id',
    isAuthenticated: false,
    request: (p) => createFrame(p, [['foo', null]]),
    err: invalidAcl,
  },
  {
    name: 'a null scheme after an equal-perms entry',
    isAuthenticated: false,
    request: (p) =>
      createFrame(p, [
        ['world', 'anyone'],
        [null, 'x'],
      ]),
    err: marshallingError,
  },
  {
    name: 'setACL with a null scheme',
    isAuthenticated: false,
    request: () => setAclFrame('/', [[null, 'anyone']]),
    err: invalidAcl,
  },
  {
    name: 'setACL with world and a null id',
    isAuthenticated: false,
    request: () => setAclFrame('/', [['world', null]]),
    err: marshallingError,
  },
];

for (const { target, isAvailable, reason } of targets) {
  const title = `null ACL fields against ${target.name}`;
  describe.skipIf(!isAvailable)(isAvailable ? title : `${title} (SKIPPED: ${reason})`, () => {
    const suite = useTargetServer(target, { tickMs: 2000 });
    cases.forEach((c, index) => {
      test(`${c.name}: ${c.err === 0 ? 'OK' : `err ${c.err}`}`, async () => {
        const path = `/null-acl-${index}`;
        const getAcl = rawFrame(3, 6, (writer) => writer.writeUstring(path));
        const auth = c.isAuthenticated ? [digestBob] : [];
        const bytes = Buffer.concat([connectFrame(), ...auth, c.request(path), getAcl]);
        const framesWanted = 3 + auth.length;
        const { host, port } = suite.server();
        const exchange = await exchangeRaw({ host, port, bytes, waitMs: 5_000, framesWanted });
        const replies = exchange.frames.slice(1 + auth.length);
        const reader = new JuteReader(replies[0] ?? Buffer.alloc(0));
        expect(decodeReplyHeader(reader).err).toBe(c.err);
        expect(exchange.isClosedByServer).toBe(false);
        if (c.err !== 0) return;
        // The auth entry was stored as the caller's digest identity.
        const aclReader = new JuteReader(replies[1] ?? Buffer.alloc(0));
        expect(decodeReplyHeader(aclReader).err).toBe(0);
        const body = decodeResponseBody({ type: 'getACL', path }, aclReader);
        const stored = body.type === 'getACL' ? body.acl : [];
        expect(stored).toEqual([
          { perms: 31, id: { scheme: 'digest', id: 'bob:ikIaKsbtGweaHnb/jKn7OHqbunM=' } },
        ]);
      });
    });
  });
}
