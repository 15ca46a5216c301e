// The lock recipes against a 3-member Apache ZooKeeper 3.8 ensemble (one JVM per member): the
// same suites as lock.test.ts runs on Zoo. Skipped, visibly, where ZooKeeper is not installed.

import { lockSuite } from './testing/lock-suite.js';
import { describeOnApacheZooKeeper } from './testing/recipe-rig.js';
import { sharedLockSuite } from './testing/shared-lock-suite.js';

describeOnApacheZooKeeper('lock recipes', (setUp) => {
  lockSuite(setUp);
  sharedLockSuite(setUp);
});
