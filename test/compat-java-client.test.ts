// Compatibility: Apache ZooKeeper's own Java client 3.8 (Debian zookeeper.jar) and its zkCli.sh
// shell, clients nobody here wrote, against Apache ZooKeeper 3.8 (proving every expectation)
// and Zoo. test/fixtures/JavaCompat.java is compiled with javac at test time and prints one
// JSON line per check: CRUD, create2, multi and multiRead, ephemerals, whoAmI, sync, session
// negotiation and expiry, child, persistent and recursive watches, removeWatches, containers
// and TTL nodes.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apacheZooKeeperJar } from './support/apache-zookeeper.js';
import {
  findJavaCompiler,
  findZkCli,
  type Tool,
} from './support/real-clients/find-real-client-tools.js';
import { compileJavaProgram, type JavaProgram } from './support/real-clients/java-program.js';
import { parseJsonLines, reportOf } from './support/real-clients/parse-json-lines.js';
import type { JsonObject } from './support/real-clients/parse-json-lines.js';
import { describeRun } from './support/real-clients/run-program.js';
import { useServer } from './support/real-clients/use-server.js';
import { runZkCli, type ZkCliOutput } from './support/real-clients/zk-cli.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const javac = findJavaCompiler();
const zkCli = findZkCli();
const targets = await resolveTargets();
warnUnavailable('compat-java-client', targets);
if (!javac.available) console.warn(`[compat-java-client] SKIPPING every target: ${javac.reason}`);
if (!zkCli.available) console.warn(`[compat-java-client] SKIPPING zkCli.sh: ${zkCli.reason}`);

let program: Promise<JavaProgram> | undefined;
/** Compiles the fixture once per file, on first use. */
function compiled(tool: Tool): Promise<JavaProgram> {
  if (!tool.available) return Promise.reject(new Error(tool.reason));
  program ??= compileJavaProgram({
    javac: tool.path,
    sources: ['JsonLine.java', 'JavaCompat.java', 'JavaCompatWatches.java'],
    jars: [apacheZooKeeperJar],
  });
  return program;
}

afterAll(async () => {
  await (await program?.catch(() => undefined))?.remove();
});

/** zkCli.sh on a fresh server: create/get/set/stat/ls, ephemerals, errors and whoami. */
const zkCliBasics = [
  'create /cli',
  'create /cli/a hello',
  'create -e /cli/e eph',
  'create -s /cli/s- seq',
  'ls /cli',
  'get /cli/a',
  'set /cli/a world',
  'get -s /cli/a',
  'stat /cli/e',
  'getEphemerals /cli',
  'getAllChildrenNumber /cli',
  'set -v 7 /cli/a x',
  'delete /cli',
  'create /cli/a',
  'deleteall /cli',
  'ls /cli',
  'whoami',
  'addauth digest bob:pw',
  'whoami',
];

/** zkCli.sh next: ACLs, config, quotas, sync and a one-shot `ls -w` watch. */
const zkCliMore = [
  'getAcl /',
  'config',
  'ls -R /zookeeper',
  'create /q',
  'setquota -n 2 /q',
  'listquota /q',
  'create /q/a',
  'create /q/b',
  'create /q/c',
  'listquota /q',
  'create /acl x world:anyone:r',
  'set /acl y',
  'getAcl /acl',
  'sync /',
  'ls -w /q',
  'create /q/d',
];

const connected = [
  'Welcome to ZooKeeper!',
  'JLine support is disabled',
  'WATCHER::',
  'WatchedEvent state:SyncConnected type:None path:null',
];
const closed = ['WATCHER::', 'WatchedEvent state:Closed type:None path:null'];

/**
 * zkCli.sh prints the Closed event from its client's event thread, a daemon thread, and calls
 * System.exit right after close(): on a busy machine the JVM can exit before the thread prints.
 * That race is the client's own, whatever the server answered, so a run that lost it is
 * completed here; anything else missing still fails.
 */
function withClosedEvent(output: ZkCliOutput): ZkCliOutput {
  const endsWith = (count: number): boolean =>
    closed.slice(0, count).every((line, index) => output.stdout.at(index - count) === line);
  let printed = closed.length;
  while (printed > 0 && !endsWith(printed)) printed -= 1;
  return { ...output, stdout: [...output.stdout, ...closed.slice(printed)] };
}
const quotaLimit = 'Output quota for /q count=2,bytes=-1=;byteHardLimit=-1;countHardLimit=-1';
const isQuotaStat = (line: string): boolean => line.startsWith('Output stat for ');

/** What Apache ZooKeeper 3.8's zkCli.sh prints for zkCliMore, less listquota's stat lines. */
const expectedZkCliMore = {
  stdout: [
    ...connected,
    ...["'world,'anyone", ': cdrwa'],
    ...['/zookeeper', '/zookeeper/config', '/zookeeper/quota'],
    ...[quotaLimit, quotaLimit],
    ...["'world,'anyone", ': r'],
    'Sync is OK',
    '[a, b, c]',
    ...['WATCHER::', 'WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/q'],
    ...closed,
  ],
  stderr: [
    'Created /q',
    'absolute path is /zookeeper/quota/q/zookeeper_limits',
    ...['Created /q/a', 'Created /q/b', 'Created /q/c'],
    'absolute path is /zookeeper/quota/q/zookeeper_limits',
    'Created /acl',
    'Insufficient permission : /acl',
    'Created /q/d',
  ],
};

const stat = (czxid: string, mzxid: string, rest: readonly string[]): string[] => [
  `cZxid = ${czxid}`,
  'ctime = <time>',
  `mZxid = ${mzxid}`,
  'mtime = <time>',
  `pZxid = ${czxid}`,
  ...rest,
];

/** What Apache ZooKeeper 3.8's zkCli.sh prints for zkCliBasics on a fresh server. */
const expectedZkCliBasics = {
  stdout: [
    ...connected,
    '[a, e, s-0000000002]',
    'hello',
    'world',
    ...stat('0x3', '0x6', ['cversion = 0', 'dataVersion = 1', 'aclVersion = 0']),
    ...['ephemeralOwner = 0x0', 'dataLength = 5', 'numChildren = 0'],
    ...stat('0x4', '0x4', ['cversion = 0', 'dataVersion = 0', 'aclVersion = 0']),
    ...['ephemeralOwner = <session>', 'dataLength = 3', 'numChildren = 0'],
    '[/cli/e]',
    '3',
    ...['Auth scheme: User', 'ip: 127.0.0.1'],
    ...['Auth scheme: User', 'digest: bob', 'ip: 127.0.0.1'],
    ...closed,
  ],
  stderr: [
    'Created /cli',
    'Created /cli/a',
    'Created /cli/e',
    'Created /cli/s-0000000002',
    'version No is not valid : /cli/a',
    'Node not empty: /cli',
    'Node already exists: /cli/a',
    'Node does not exist: /cli',
  ],
};

function zkCliTests(runs: () => readonly ZkCliOutput[]): void {
  const run = (index: number): ZkCliOutput => {
    const found = runs()[index];
    if (found === undefined) throw new Error(`zkCli.sh run ${index} did not happen`);
    return withClosedEvent(found);
  };

  test.skipIf(!zkCli.available)('zkCli.sh: crud, ephemerals, errors, whoami as on Apache', () => {
    expect(run(0)).toEqual(expectedZkCliBasics);
  });

  test.skipIf(!zkCli.available)('zkCli.sh: ACLs, config, quotas, sync, ls -w as on Apache', () => {
    const { stdout, stderr } = run(1);
    expect({ stdout: stdout.filter((line) => !isQuotaStat(line)), stderr }).toEqual(
      expectedZkCliMore,
    );
  });

  test.skipIf(!zkCli.available)('zkCli.sh: listquota shows the count the server keeps', () => {
    // ZooKeeper: DataTree keeps /zookeeper/quota/<path>/zookeeper_stats up to date: the
    // quota'd node counts itself once the quota is set, then every node created below it.
    expect(run(1).stdout.filter(isQuotaStat)).toEqual([
      'Output stat for /q count=1,bytes=0',
      'Output stat for /q count=4,bytes=0',
    ]);
  });
}

type Check = (name: string) => JsonObject;

/** Requests: CRUD, create2, multi, multiRead, getEphemerals, counts, whoAmI and sync. */
function requestTests(check: Check): void {
  test('crud: create, getData, setData and delete honour versions and error codes', () => {
    expect(check('crud')).toEqual({
      created: '/java/crud',
      data: 'v1',
      version: 0,
      updatedVersion: 1,
      mzxidGrew: true,
      staleSet: 'BADVERSION',
      duplicate: 'NODEEXISTS',
      staleDelete: 'BADVERSION',
      delete: 'OK',
      existsAfter: false,
      getMissing: 'NONODE',
    });
  });

  test('create2: the returned Stat is the new node stat (zxids equal, as exists reports)', () => {
    expect(check('create2')).toEqual({
      czxidPositive: true,
      zxidsEqual: true,
      dataLength: 3,
      sameAsExists: true,
    });
  });

  test('multi: all ops apply; a failed check rolls back with per-op error results', () => {
    expect(check('multi')).toEqual({
      ok: ['CreateResult', 'CreateResult', 'SetDataResult', 'CheckResult', 'DeleteResult'],
      failedCode: 'BADVERSION',
      failed: ['Error(OK)', 'Error(BADVERSION)', 'Error(RUNTIMEINCONSISTENCY)'],
      childrenAfter: [],
    });
  });

  test('multiRead: reads answer independently; a missing node is one error result', () => {
    expect(check('multiRead')).toEqual({
      results: ['GetDataResult', 'GetChildrenResult', 'Error(NONODE)'],
      data: 'root',
      children: ['k'],
    });
  });

  test('getEphemerals: lists the session own ephemerals by plain string prefix', () => {
    const all = ['/java/eph-x', '/java/eph/a', '/java/eph/b', '/java/eph/s-0000000002'];
    expect(check('ephemerals')).toEqual({
      underPrefix: all,
      all,
      otherSession: [],
      afterClose: [],
    });
  });

  test('getAllChildrenNumber: counts every descendant; NoNode for a missing path', () => {
    expect(check('allChildrenNumber')).toEqual({ count: 3, leaf: 0, missing: 'NONODE' });
  });

  test('whoAmI: the ip identity, then the digest user after addAuthInfo', () => {
    expect(check('whoAmI')).toEqual({
      before: ['ip:127.0.0.1'],
      after: ['digest:bob', 'ip:127.0.0.1'],
    });
  });

  test('sync: the callback gets OK, the path and the context', () => {
    expect(check('sync')).toEqual({ called: true, result: ['OK', '/java', 'ctx'] });
  });
}

/** Session negotiation and expiry, watches of every kind, containers and TTL nodes. */
function watchAndSessionTests(check: Check): void {
  test('session: timeouts are clamped to 2 and 20 ticks', () => {
    expect(check('negotiation')).toEqual({ small: 4_000, large: 40_000 });
  });

  test('watch: a getChildren watch fires once for the first child change only', () => {
    expect(check('childWatch')).toEqual({ initial: [], events: ['NodeChildrenChanged /java/cw'] });
  });

  test('addWatch: a recursive watch sees every descendant event but no child events', () => {
    expect(check('persistentRecursive')).toEqual({
      events: [
        'NodeCreated /java/rec/a',
        'NodeCreated /java/rec/a/b',
        'NodeDataChanged /java/rec/a/b',
        'NodeDeleted /java/rec/a/b',
        'NodeDataChanged /java/rec',
      ],
    });
  });

  test('addWatch: a persistent watch fires repeatedly until removeWatches removes it', () => {
    const fired = ['NodeChildrenChanged /java/pw', 'NodeDataChanged /java/pw'];
    expect(check('persistent')).toEqual({
      events: [...fired, 'NodeDataChanged /java/pw'],
      afterRemove: [...fired, 'NodeDataChanged /java/pw', 'PersistentWatchRemoved /java/pw'],
    });
  });

  test('removeWatches: removal events per type; NoWatcher when nothing is left', () => {
    expect(check('removeWatches')).toEqual({
      events: ['ChildWatchRemoved /java/rw', 'DataWatchRemoved /java/rw'],
      removeTwice: 'NOWATCHER',
      removeAllWhenNone: 'NOWATCHER',
    });
  });

  test('session: a closed session expires its other handle; a bad password is Expired', () => {
    expect(check('sessionExpiry')).toEqual({
      impostorStates: ['Expired'],
      impostorAlive: false,
      thiefGotSameSession: true,
      sawExpired: true,
      lastState: 'Expired',
      victimAlive: false,
      ephemeralGone: true,
    });
  });

  test('containers and TTL nodes: reaped when emptied or expired; owner reads as 0', () => {
    expect(check('containerAndTtl')).toEqual({
      containerOwner: '0',
      ttlOwnerHighByte: 0,
      containerReaped: true,
      ttlReaped: true,
      unusedContainerKept: true,
    });
  });

  test('the program ran to its end', () => {
    expect(check('done')).toEqual({});
  });
}

for (const { target, isAvailable, reason } of targets) {
  const skipReason = !javac.available ? javac.reason : isAvailable ? '' : reason;
  const title = `Java client against ${target.name}`;
  describe.skipIf(skipReason !== '')(
    skipReason ? `${title} (SKIPPED: ${skipReason})` : title,
    () => {
      const server = useServer(target, {
        tickMs: 2000,
        extendedTypesEnabled: true,
        containerCheckIntervalMs: 500,
      });
      const zkCliRuns: ZkCliOutput[] = [];
      let checks = new Map<string, JsonObject>();
      beforeAll(async () => {
        const { connectString } = server();
        // zkCli.sh first, on the fresh server, so its zxids are those of a fresh server.
        if (zkCli.available) {
          for (const script of [zkCliBasics, zkCliMore]) {
            zkCliRuns.push(await runZkCli({ zkCli: zkCli.path, connectString, script }));
          }
        }
        const java = await compiled(javac);
        const run = await java.run('JavaCompat', [connectString], 40_000);
        if (run.code !== 0) throw new Error(describeRun('JavaCompat', run));
        checks = parseJsonLines(run.stdout);
      }, 58_000);

      const check: Check = (name) => reportOf(checks, name);
      requestTests(check);
      watchAndSessionTests(check);
      zkCliTests(() => zkCliRuns);
    },
  );
}
