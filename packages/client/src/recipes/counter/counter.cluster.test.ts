// Counter and ShardedCounter on a 3-member Zoo ensemble in this process: clients increment in
// parallel while the leader is killed and one client loses replies (testing/fault-suites.ts).

import { describe } from 'vitest';
import { startZooEnsemble } from '../testing/ensembles.js';
import { counterFaultTests, useEnsemble } from '../testing/fault-suites.js';

describe('counters on a 3-member Zoo ensemble whose leader is killed', () => {
  counterFaultTests(useEnsemble(startZooEnsemble));
});
