// The recipes' fault tests against a 3-member Apache ZooKeeper 3.8 ensemble (one JVM per
// member; the Debian package), the same tests the Zoo ensemble passes. Skipped, with a notice,
// where Java or ZooKeeper is absent.

import { describe } from 'vitest';
import { isApacheZooKeeperInstalled, startApacheZooKeeperEnsemble } from './testing/ensembles.js';
import { counterFaultTests, idFaultTests, useEnsemble } from './testing/fault-suites.js';

const isInstalled = isApacheZooKeeperInstalled();
const title = 'recipes on a 3-member Apache ZooKeeper 3.8 ensemble whose leader is killed';
if (!isInstalled) {
  console.warn(`${title}: SKIPPED — java or /usr/share/java/zookeeper.jar is missing`);
}

describe.skipIf(!isInstalled)(isInstalled ? title : `${title} (SKIPPED: not installed)`, () => {
  const ensemble = useEnsemble(startApacheZooKeeperEnsemble);
  counterFaultTests(ensemble);
  idFaultTests(ensemble);
});
