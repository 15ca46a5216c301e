// The two ensembles the recipes' fault tests run against — a 3-member Zoo ensemble in this
// process (startCluster) and a 3-member Apache ZooKeeper 3.8 ensemble (one JVM per member, the
// test/support helper) — behind one small interface: a connect string, and a way to kill the
// leader and bring the member back.

import { startCluster } from '@zoo/server';
import { startApacheEnsemble } from '../../../../../test/support/apache-ensemble.js';
import { isApacheZooKeeperInstalled } from '../../../../../test/support/apache-zookeeper.js';

export interface Ensemble {
  readonly name: string;
  readonly connectString: string;
  /** Kills the serving leader and resolves with its id once another member leads. */
  killLeader(): Promise<number>;
  /** Starts a killed member again and resolves once every running member serves. */
  restart(id: number): Promise<void>;
  close(): Promise<void>;
}

export async function startZooEnsemble(): Promise<Ensemble> {
  const cluster = await startCluster({ size: 3 });
  await cluster.waitForLeader();
  return {
    name: 'Zoo',
    connectString: cluster.connectString,
    async killLeader() {
      const leader = await cluster.waitForLeader();
      await cluster.kill(leader);
      await cluster.waitForLeader();
      return leader;
    },
    async restart(id) {
      await cluster.restart(id);
      await cluster.waitForLeader();
    },
    close: () => cluster.close(),
  };
}

export { isApacheZooKeeperInstalled };

/** A 3-member Apache ZooKeeper ensemble with a short tick, so elections and sessions are quick. */
export async function startApacheZooKeeperEnsemble(): Promise<Ensemble> {
  const ensemble = await startApacheEnsemble({
    size: 3,
    tickMs: 500,
    forceSync: false,
    heapMb: 256,
  });
  return {
    name: 'Apache ZooKeeper',
    connectString: ensemble.connectString,
    async killLeader() {
      const leader = await ensemble.waitForQuorum();
      await ensemble.kill(leader);
      await ensemble.waitForQuorum();
      return leader;
    },
    async restart(id) {
      await ensemble.restart(id);
      await ensemble.waitForQuorum();
    },
    close: () => ensemble.stop(),
  };
}
