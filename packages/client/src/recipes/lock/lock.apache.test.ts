// The lock recipes against a 3-member Apache ZooKeeper 3.8 ensemble (one JVM per member): the
// same suites as lock.test.ts runs on Zoo. Skipped, visibly, where ZooKeeper is not installed.

import { describe } from 'vitest';
import { lockSuite } from './testing/lock-suite.js';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeperEnsemble,
  useEnsemble,
} from './testing/recipe-rig.js';
import { sharedLockSuite } from './testing/shared-lock-suite.js';

const isInstalled = isApacheZooKeeperInstalled();
const title = 'lock recipes on a 3-member Apache ZooKeeper 3.8 ensemble';
if (!isInstalled) {
  console.warn(`${title}: SKIPPED — java or /usr/share/java/zookeeper.jar is missing`);
}

describe.skipIf(!isInstalled)(isInstalled ? title : `${title} (SKIPPED: not installed)`, () => {
  const setUp = useEnsemble(startApacheZooKeeperEnsemble);
  lockSuite(setUp);
  sharedLockSuite(setUp);
});
