// The lock recipes against a 3-member Zoo ensemble in this process (the suites are in testing/,
// shared with lock.apache.test.ts).

import { describe } from 'vitest';
import { lockSuite } from './testing/lock-suite.js';
import { startZooEnsemble, useEnsemble } from './testing/recipe-rig.js';
import { sharedLockSuite } from './testing/shared-lock-suite.js';

describe('lock recipes on a 3-member Zoo ensemble', () => {
  const setUp = useEnsemble(startZooEnsemble);
  lockSuite(setUp);
  sharedLockSuite(setUp);
});
