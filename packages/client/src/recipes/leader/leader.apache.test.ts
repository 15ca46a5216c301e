// The leader recipes against a 3-member Apache ZooKeeper 3.8 ensemble (one JVM per member):
// the same suite as leader.test.ts runs on Zoo. Skipped, visibly, where ZooKeeper is absent.

import { describeOnApacheZooKeeper } from '../lock/testing/recipe-rig.js';
import { leaderSuite } from './testing/leader-suite.js';

describeOnApacheZooKeeper('leader recipes', leaderSuite);
