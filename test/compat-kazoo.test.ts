// Compatibility: Python's kazoo 2.8 (Debian python3-kazoo), a client nobody here wrote, drives
// test/fixtures/kazoo_compat.py against Apache ZooKeeper 3.8 (proving every expectation) and
// against Zoo: CRUD, ephemeral and sequence nodes, watches, transactions, digest ACLs, the
// Lock, Counter, Election and Party recipes, session expiry and four-letter words.

import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { findKazooPython } from './support/real-clients/find-real-client-tools.js';
import { fixturesDir } from './support/real-clients/java-program.js';
import { isJsonObject, parseJsonObject } from './support/real-clients/parse-json-lines.js';
import type { JsonObject } from './support/real-clients/parse-json-lines.js';
import { describeRun, runProgram } from './support/real-clients/run-program.js';
import { useServer } from './support/real-clients/use-server.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const python = findKazooPython();
const targets = await resolveTargets();
warnUnavailable('compat-kazoo', targets);
if (!python.available) {
  console.warn(`[compat-kazoo] SKIPPING every target: ${python.reason}`);
}

/** Runs the fixture once against a server; resolves with its JSON report. */
async function runKazoo(connectString: string): Promise<JsonObject> {
  if (!python.available) throw new Error(python.reason);
  const script = path.join(fixturesDir, 'kazoo_compat.py');
  const result = await runProgram(python.path, [script, connectString], { timeoutMs: 45_000 });
  const lastLine = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || !lastLine.startsWith('{')) {
    throw new Error(describeRun('kazoo_compat.py', result));
  }
  return parseJsonObject(lastLine, 'kazoo_compat.py output');
}

type Section = (name: string) => unknown;

/** One section of the report; a section that raised carries its traceback in `error`. */
function sectionOf(report: () => JsonObject): Section {
  return (name) => {
    const value = report()[name];
    if (isJsonObject(value) && typeof value['error'] === 'string') {
      throw new Error(`kazoo section '${name}' raised:\n${value['error']}`);
    }
    return value;
  };
}

/** CRUD, node kinds, children, watches and transactions. */
function nodeTests(section: Section): void {
  test('crud: create/get/set/delete honour versions and raise kazoo typed errors', () => {
    expect(section('crud')).toEqual({
      created: '/kazoo-compat/crud/a',
      get: ['v1', 0, 2, 0],
      czxidEqualsMzxid: true,
      setVersion: 1,
      setKeepsCzxid: true,
      staleSet: 'BadVersionError',
      duplicate: 'NodeExistsError',
      noParent: 'NoNodeError',
      notEmpty: 'NotEmptyError',
      staleDelete: 'BadVersionError',
      delete: null,
      existsAfterDelete: false,
      getMissing: 'NoNodeError',
      ensurePathTwice: null,
    });
  });

  test('nodes: sequence suffixes count parent creates; ephemerals die with their session', () => {
    expect(section('ephemeralAndSequence')).toEqual({
      sequential: ['s-0000000000', 's-0000000001', 's-0000000002'],
      // The plain ephemeral 'e' took counter value 3.
      ephemeralSequential: 'es-0000000004',
      ownerIsSession: true,
      childOfEphemeral: 'NoChildrenForEphemeralsError',
      childrenBefore: ['e', 'es-0000000004', 's-0000000000', 's-0000000001', 's-0000000002'],
      childrenAfterStop: ['s-0000000000', 's-0000000001', 's-0000000002'],
    });
  });

  test('children: get_children with include_data returns names and the parent stat', () => {
    expect(section('children')).toEqual({ names: ['a', 'b', 'c'], numChildren: 3, cversion: 3 });
  });

  test('watches: DataWatch sees absent, created, changed and deleted states in order', () => {
    expect(section('dataWatch')).toEqual([
      [null, null],
      ['a', 0],
      ['b', 1],
      [null, null],
    ]);
  });

  test('watches: ChildrenWatch re-arms and reports every child list change', () => {
    expect(section('childrenWatch')).toEqual([[], ['x'], ['x', 'y'], ['y']]);
  });

  test('transaction: commit applies every op; one failure rolls back all of them', () => {
    expect(section('transactions')).toEqual({
      committed: ['/kazoo-compat/tx/a', '/kazoo-compat/tx/b', 'ZnodeStat', true, true],
      failed: ['RolledBackError', 'BadVersionError', 'RuntimeInconsistency'],
      afterFailure: ['a'],
      aData: '11',
    });
  });
}

/** Digest ACLs and the Lock, Counter, Election and Party recipes. */
function aclAndRecipeTests(section: Section): void {
  test('acl: a digest ACL refuses other sessions with NoAuthError until add_auth', () => {
    const acls = section('acls');
    expect(acls).toMatchObject({
      noAuthGet: 'NoAuthError',
      noAuthSet: 'NoAuthError',
      wrongPasswordGet: 'NoAuthError',
      // ZooKeeper 3.8 (ZOOKEEPER-1392): reading the ACL itself needs READ or ADMIN.
      getAclsWithoutAuth: 'NoAuthError',
      afterAddAuth: 'hidden',
      aversion: 0,
    });
    const { acl, expectedId } = acls as { acl: unknown; expectedId: unknown };
    expect(expectedId).toBe('alice:V55/p2T0OpjQ+low3NVAH4aLvm0=');
    expect(acl).toEqual([[31, 'digest', expectedId]]);
  });

  test('acl: an auth ACL with an empty id (a Jute null) expands to the digest identity', () => {
    const { stored, expectedId, withoutAuth } = section('authAcl') as Record<string, unknown>;
    expect(expectedId).toBe('bob:ikIaKsbtGweaHnb/jKn7OHqbunM=');
    expect(stored).toEqual([[31, 'digest', expectedId]]);
    expect(withoutAuth).toBe('InvalidACLError');
  });

  test('recipe: Lock excludes the second client and hands over on release', () => {
    expect(section('lock')).toEqual({
      nonBlockingWhileHeld: false,
      timedOut: true,
      contenders: ['one'],
      handedOver: true,
      maxInside: 1,
      entries: 10,
    });
  });

  test('recipe: Counter keeps every increment of two concurrent clients', () => {
    expect(section('counter')).toEqual({ value: 23 });
  });

  test('recipe: Election elects one leader at a time; Party lists its members', () => {
    expect(section('electionAndParty')).toEqual({
      leadersWhileHeld: ['one'],
      contenders: ['one', 'two'],
      leaders: ['one', 'two'],
      partyMembers: ['a', 'b'],
      afterLeave: ['a'],
    });
  });
}

/** Session expiry and close, and four-letter words through client.command. */
function sessionAndAdminTests(section: Section): void {
  test('session: a process killed without closing keeps its ephemeral until it expires', () => {
    const expiry = section('hardExitExpiry');
    expect(expiry).toMatchObject({
      childOutput: 'created',
      presentAfterExit: true,
      goneAfterTimeout: true,
    });
    // Session timeout 2 s (tick 500 ms): gone after about 2–2.5 s, not at once, not never.
    const { goneAfterMs } = expiry as { goneAfterMs: number };
    expect(goneAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(goneAfterMs).toBeLessThanOrEqual(6_000);
  });

  test('session: a session closed under a live client is reported to it as LOST', () => {
    const hijack = section('hijackExpiry') as { states: string[]; ephemeralGone: boolean };
    expect(hijack.ephemeralGone).toBe(true);
    expect(hijack.states[0]).toBe('CONNECTED');
    expect(hijack.states.at(-1)).toBe('LOST');
  });

  test('session: stop() closes the session, so its ephemerals vanish at once', () => {
    expect(section('gracefulStop')).toEqual({ ephemeralGoneAtOnce: true });
  });

  test('four-letter words: command(ruok) answers imok; srvr starts with the version', () => {
    const words = section('fourLetterWords') as { ruok: string; srvrFirstLine: string };
    expect(words.ruok).toBe('imok');
    expect(words.srvrFirstLine).toMatch(/^Zookeeper version: 3\.8\.\d+-.*, built on /);
  });

  test('four-letter words: srvr counts each 4lw request as a received packet', () => {
    // ZooKeeper: NIOServerCnxn counts a 4lw as a received packet before answering it, so srvr
    // right after srvr moves Received by 1, and by 2 with a getData between. (Sent moves too,
    // but only once each answer is written, which races with the next srvr.)
    const words = section('fourLetterWords') as { counterDeltas: { received: unknown } };
    expect(words.counterDeltas.received).toEqual([1, 2]);
  });

  test('four-letter words: server_version() parses the version envi reports', () => {
    // kazoo takes the leading digits of envi's zookeeper.version (srvr's version text).
    const words = section('fourLetterWords') as { serverVersion: unknown };
    expect(words.serverVersion).toEqual([3, 8, 0]);
  });
}

for (const { target, isAvailable, reason } of targets) {
  const skipReason = !python.available ? python.reason : isAvailable ? '' : reason;
  const title = `kazoo against ${target.name}`;
  describe.skipIf(skipReason !== '')(
    skipReason ? `${title} (SKIPPED: ${skipReason})` : title,
    () => {
      // Tick 500 ms lets the expiry checks use a 2 s session and still finish quickly.
      const server = useServer(target, { tickMs: 500 });
      let report: JsonObject = {};
      beforeAll(async () => {
        report = await runKazoo(server().connectString);
      }, 50_000);
      const section = sectionOf(() => report);
      nodeTests(section);
      aclAndRecipeTests(section);
      sessionAndAdminTests(section);
    },
  );
}
