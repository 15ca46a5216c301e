// The leader recipes against a 3-member Apache ZooKeeper 3.8 ensemble (one JVM per member):
// the same suite as leader.test.ts runs on Zoo. Skipped, visibly, where ZooKeeper is absent.

import { describe } from 'vitest';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeperEnsemble,
  useEnsemble,
} from '../lock/testing/recipe-rig.js';
import { leaderSuite } from './testing/leader-suite.js';

const isInstalled = isApacheZooKeeperInstalled();
const title = 'leader recipes on a 3-member Apache ZooKeeper 3.8 ensemble';
if (!isInstalled) {
  console.warn(`${title}: SKIPPED — java or /usr/share/java/zookeeper.jar is missing`);
}

describe.skipIf(!isInstalled)(isInstalled ? title : `${title} (SKIPPED: not installed)`, () => {
  leaderSuite(useEnsemble(startApacheZooKeeperEnsemble));
});
