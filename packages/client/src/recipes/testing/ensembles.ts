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

/** What each ensemble offers, from which the Ensemble's two steps are made alike. */
interface EnsembleControls {
  connectString: string;
  /** Resolves with the leader's id once it and every running member serve. */
  waitForLeader(): Promise<number>;
  kill(id: number): Promise<void>;
  restart(id: number): Promise<void>;
  close(): Promise<void>;
}

function ensembleOf(name: string, controls: EnsembleControls): Ensemble {
  return {
    name,
    connectString: controls.connectString,
    async killLeader() {
      const leader = await controls.waitForLeader();
      await controls.kill(leader);
      await controls.waitForLeader();
      return leader;
    },
    async restart(id) {
      await controls.restart(id);
      await controls.waitForLeader();
    },
    close: () => controls.close(),
  };
}

export async function startZooEnsemble(): Promise<Ensemble> {
  const cluster = await startCluster({ size: 3 });
  await cluster.waitForLeader();
  return ensembleOf('Zoo', {
    connectString: cluster.connectString,
    waitForLeader: () => cluster.waitForLeader(),
    kill: (id) => cluster.kill(id),
    restart: (id) => cluster.restart(id),
    close: () => cluster.close(),
  });
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
  return ensembleOf('Apache ZooKeeper', {
    connectString: ensemble.connectString,
    waitForLeader: () => ensemble.waitForQuorum(),
    kill: (id) => ensemble.kill(id),
    restart: (id) => ensemble.restart(id),
    close: () => ensemble.stop(),
  });
}
