// The three ID generators on a 3-member Zoo ensemble in this process: clients take IDs in
// parallel while the leader is killed and one client loses replies (testing/fault-suites.ts).

import { describe } from 'vitest';
import { startZooEnsemble } from '../testing/ensembles.js';
import { idFaultTests, useEnsemble } from '../testing/fault-suites.js';

describe('ID generators on a 3-member Zoo ensemble whose leader is killed', () => {
  idFaultTests(useEnsemble(startZooEnsemble));
});
