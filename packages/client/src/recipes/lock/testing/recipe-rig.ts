// The ensembles the recipe tests run against — a 3-member Zoo cluster in this process, or a
// 3-member Apache ZooKeeper 3.8 ensemble (one JVM each) — behind one interface, with the
// clients, proxies and waits every recipe test needs, all stopped by stop().

import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { startCluster } from '@zoo/server';
import { isApacheZooKeeperInstalled } from '../../../../../../test/support/apache-zookeeper.js';
import { startApacheEnsemble } from '../../../../../../test/support/apache-ensemble.js';
import { within } from '../../../../../../test/support/promise-client.js';
import { TcpProxy } from '../../../../../../test/support/tcp-proxy.js';
import { createClient } from '../../../adapters/create-client.js';
import type { ClientOptions } from '../../../api/create-client-with-env.js';
import type { ZooClient } from '../../../api/zoo-client.js';

/** Session timeout of the tests' clients: short enough to expire one within a test. */
export const sessionTimeoutMs = 4_000;

export interface Ensemble {
  readonly name: string;
  readonly connectString: string;
  readonly memberIds: readonly number[];
  portOf(id: number): number;
  leader(): Promise<number | null>;
  /** Waits until a leader serves, with every running member. */
  waitForQuorum(): Promise<number>;
  kill(id: number): Promise<void>;
  restart(id: number): Promise<void>;
  close(): Promise<void>;
}

export async function startZooEnsemble(): Promise<Ensemble> {
  // tickMs 500 allows the 4 s sessions (2–20 ticks) and keeps elections quick.
  const cluster = await startCluster({ size: 3, tickMs: 500, logLevel: 'error' });
  await cluster.waitForLeader();
  return {
    name: 'Zoo',
    connectString: cluster.connectString,
    memberIds: cluster.members.map((member) => member.id),
    portOf: (id) => cluster.members.find((member) => member.id === id)?.port ?? 0,
    leader: () => Promise.resolve(cluster.leader()),
    waitForQuorum: () => cluster.waitForLeader(20_000),
    kill: (id) => cluster.kill(id),
    restart: (id) => cluster.restart(id),
    close: () => cluster.close(),
  };
}

export async function startApacheZooKeeperEnsemble(): Promise<Ensemble> {
  const ensemble = await startApacheEnsemble({ size: 3, tickMs: 1_000, heapMb: 256 });
  await ensemble.waitForQuorum();
  return {
    name: 'Apache ZooKeeper',
    connectString: ensemble.connectString,
    memberIds: ensemble.members.map((member) => member.id),
    portOf: (id) => ensemble.members.find((member) => member.id === id)?.port ?? 0,
    leader: () => ensemble.leader(),
    waitForQuorum: () => ensemble.waitForQuorum(30_000),
    kill: (id) => ensemble.kill(id),
    restart: (id) => ensemble.restart(id),
    close: () => ensemble.stop(),
  };
}

/** Clients and proxies of one test, on one ensemble; closeAll() ends them. */
export class RecipeRig {
  readonly ensemble: Ensemble;
  private readonly clients: ZooClient[] = [];
  private readonly proxies: TcpProxy[] = [];
  private counter = 0;

  constructor(ensemble: Ensemble) {
    this.ensemble = ensemble;
  }

  /** A path no other test of this run uses. */
  uniquePath(name: string): string {
    this.counter += 1;
    return `/recipes/${name}-${this.counter}-${process.pid}`;
  }

  async client(options: ClientOptions = {}, connectString?: string): Promise<ZooClient> {
    const client = createClient(connectString ?? this.ensemble.connectString, {
      sessionTimeoutMs,
      reconnectDelayMaxMs: 100,
      ...options,
    });
    this.clients.push(client);
    await within(client.ready(), 20_000, 'a session');
    return client;
  }

  /** A proxy to one member, for a client that a test cuts off (freeze) to expire its session. */
  async proxyTo(id: number): Promise<TcpProxy> {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: this.ensemble.portOf(id) });
    this.proxies.push(proxy);
    return proxy;
  }

  /** Kills a follower, then the leader, restarting each, with pauses between. */
  async killFollowerThenLeader(pauseMs: number): Promise<number[]> {
    const killed: number[] = [];
    for (const pick of ['follower', 'leader'] as const) {
      const leaderId = await this.ensemble.waitForQuorum();
      const follower = this.ensemble.memberIds.find((id) => id !== leaderId) ?? leaderId;
      const victim = pick === 'leader' ? leaderId : follower;
      await sleep(pauseMs);
      await this.ensemble.kill(victim);
      killed.push(victim);
      await sleep(pauseMs);
      await this.ensemble.restart(victim);
    }
    await this.ensemble.waitForQuorum();
    return killed;
  }

  async closeAll(): Promise<void> {
    for (const proxy of this.proxies) proxy.thaw();
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
    for (const proxy of this.proxies.splice(0)) await proxy.close();
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds, failing with `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(20);
  }
}

/**
 * Starts one ensemble for the enclosing describe block (beforeAll) and hands each test a fresh
 * rig whose clients and proxies are closed after it (afterEach).
 */
export function useEnsemble(startEnsemble: () => Promise<Ensemble>): () => RecipeRig {
  let ensemble: Ensemble | undefined;
  let rig: RecipeRig | undefined;
  beforeAll(async () => {
    ensemble = await startEnsemble();
  }, 120_000);
  afterAll(async () => {
    await ensemble?.close();
  });
  afterEach(async () => {
    await rig?.closeAll();
    rig = undefined;
  });
  return () => {
    if (ensemble === undefined) throw new Error('the ensemble did not start');
    rig = new RecipeRig(ensemble);
    return rig;
  };
}

/**
 * A describe block on a 3-member Apache ZooKeeper ensemble, skipped with a visible notice where
 * ZooKeeper (java and the Debian jar) is not installed.
 */
export function describeOnApacheZooKeeper(
  title: string,
  register: (setUp: () => RecipeRig) => void,
): void {
  const isInstalled = isApacheZooKeeperInstalled();
  const fullTitle = `${title} on a 3-member Apache ZooKeeper 3.8 ensemble`;
  if (!isInstalled) {
    console.warn(`${fullTitle}: SKIPPED — java or /usr/share/java/zookeeper.jar is missing`);
  }
  const shown = isInstalled ? fullTitle : `${fullTitle} (SKIPPED: not installed)`;
  describe.skipIf(!isInstalled)(shown, () => register(useEnsemble(startApacheZooKeeperEnsemble)));
}
