// Compatibility: Apache Curator 5.4 (Debian libcurator-*-java), the recipe library most Java
// users put on top of ZooKeeper, against Apache ZooKeeper 3.8 (proving every expectation) and
// Zoo. test/fixtures/CuratorCompat.java is compiled at test time; two CuratorFramework clients
// contend for an InterProcessMutex and a LeaderLatch, share a DistributedAtomicLong, and a
// PersistentWatcher and a CuratorCache report what they see.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apacheZooKeeperJar } from './support/apache-zookeeper.js';
import { curatorJars, findCurator } from './support/real-clients/find-real-client-tools.js';
import { compileJavaProgram, type JavaProgram } from './support/real-clients/java-program.js';
import { parseJsonLines, reportOf } from './support/real-clients/parse-json-lines.js';
import type { JsonObject } from './support/real-clients/parse-json-lines.js';
import { describeRun } from './support/real-clients/run-program.js';
import { useServer } from './support/real-clients/use-server.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const curator = findCurator();
const targets = await resolveTargets();
warnUnavailable('compat-curator', targets);
if (!curator.available) console.warn(`[compat-curator] SKIPPING every target: ${curator.reason}`);

let program: Promise<JavaProgram> | undefined;
/** Compiles the fixture once per file, on first use. */
function compiled(): Promise<JavaProgram> {
  if (!curator.available) return Promise.reject(new Error(curator.reason));
  program ??= compileJavaProgram({
    javac: curator.path,
    sources: ['JsonLine.java', 'CuratorCompat.java'],
    // The Curator jars' manifests name guava, slf4j-api, zookeeper and jute by Debian path.
    jars: [...curatorJars, apacheZooKeeperJar],
  });
  return program;
}

afterAll(async () => {
  await (await program?.catch(() => undefined))?.remove();
});

type Check = (name: string) => JsonObject;

/** The coordination recipes: mutex, leader latch and atomic counter. */
function recipeTests(check: Check): void {
  test('InterProcessMutex: re-entrant for its holder, refused to the other client', () => {
    expect(check('mutex')).toEqual({
      theirsWhileHeld: false,
      participantsWhileHeld: 1,
      heldAfterOneRelease: true,
      theirsAfterRelease: true,
      locksLeft: 0,
    });
  });

  test('InterProcessMutex: four contending threads on two clients never overlap', () => {
    expect(check('mutexContention')).toEqual({ maxInside: 1, entries: 20, failures: [] });
  });

  test('LeaderLatch: one leader at a time; leadership passes on close', () => {
    expect(check('leaderLatch')).toEqual({
      oneLeads: true,
      twoLeadsWhileOneHolds: false,
      participants: ['one', 'two'],
      leaderBefore: 'one',
      twoLeadsAfterClose: true,
      leaderAfter: 'two',
    });
  });

  test('DistributedAtomicLong: initialize once, add, compare-and-set, shared increments', () => {
    expect(check('atomicLong')).toEqual({
      initialized: true,
      initializedTwice: false,
      added: [true, 10, 15],
      casOk: true,
      casStale: false,
      failedIncrements: 0,
      value: 120,
    });
  });
}

/** Watch-based recipes: PersistentWatcher and CuratorCache. */
function watchTests(check: Check): void {
  test('PersistentWatcher: a recursive watch reports every descendant event in order', () => {
    expect(check('persistentWatcher')).toEqual({
      registered: true,
      events: [
        'NodeCreated /curator/watched/a',
        'NodeCreated /curator/watched/a/b',
        'NodeDataChanged /curator/watched/a',
        'NodeDeleted /curator/watched/a/b',
        'NodeDeleted /curator/watched/a',
      ],
    });
  });

  test('CuratorCache: initial load, then create, change and delete events with data', () => {
    const base = '/curator/cached';
    expect(check('curatorCache')).toEqual({
      initialized: true,
      events: [
        `create ${base} root`,
        'initialized',
        `create ${base}/a 1`,
        `change ${base}/a 2`,
        `create ${base}/a/b 3`,
        `delete ${base}/a/b`,
        `delete ${base}/a`,
      ],
      cachedSize: 1,
    });
  });

  test('the program ran to its end', () => {
    expect(check('done')).toEqual({});
  });
}

for (const { target, isAvailable, reason } of targets) {
  const skipReason = !curator.available ? curator.reason : isAvailable ? '' : reason;
  const title = `Curator against ${target.name}`;
  describe.skipIf(skipReason !== '')(
    skipReason ? `${title} (SKIPPED: ${skipReason})` : title,
    () => {
      const server = useServer(target, { tickMs: 2000 });
      let checks = new Map<string, JsonObject>();
      beforeAll(async () => {
        const java = await compiled();
        const run = await java.run('CuratorCompat', [server().connectString], 45_000);
        if (run.code !== 0) throw new Error(describeRun('CuratorCompat', run));
        checks = parseJsonLines(run.stdout);
      }, 55_000);
      const check: Check = (name) => reportOf(checks, name);
      recipeTests(check);
      watchTests(check);
    },
  );
}
