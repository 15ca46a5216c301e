// The leader recipes against a 3-member Zoo ensemble in this process (the suite is in
// testing/, shared with leader.apache.test.ts).

import { describe } from 'vitest';
import { startZooEnsemble, useEnsemble } from '../lock/testing/recipe-rig.js';
import { leaderSuite } from './testing/leader-suite.js';

describe('leader recipes on a 3-member Zoo ensemble', () => {
  leaderSuite(useEnsemble(startZooEnsemble));
});
