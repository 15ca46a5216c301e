// The scaffolding of a differential suite that sends each case to Apache ZooKeeper 3.8 (the
// oracle), to Zoo and to a follower of a 3-member Zoo ensemble: which targets are there, the
// describe block (skipped visibly without Apache or Zoo), and one server per target.

import { describe } from 'vitest';
import { useTargetServer, type SuiteContext } from './target-suite.js';
import { resolveTargets, warnUnavailable, type TargetOptions } from './targets.js';

export interface ThreeWaySuites {
  apache: SuiteContext;
  /** Zoo, then the ensemble's follower (when it can be started). */
  zoos: { name: string; suite: SuiteContext }[];
}

/** Registers `title`'s describe block; `body` gets the suites once they are registered. */
export async function describeThreeWay(
  file: string,
  title: string,
  options: TargetOptions,
  body: (suites: ThreeWaySuites) => void,
): Promise<void> {
  const targets = await resolveTargets({ ensemble: true });
  warnUnavailable(file, targets);
  const byName = (name: string) => targets.find((t) => t.target.name === name);
  const [apache, zoo, ensemble] = ['apache', 'zoo', 'zoo-ensemble'].map(byName);
  const isRunnable = apache?.isAvailable === true && zoo?.isAvailable === true;
  const skipReason = apache?.isAvailable === true ? zoo?.reason : apache?.reason;
  const shown = isRunnable ? title : `${title} (SKIPPED: ${skipReason})`;
  describe.skipIf(!isRunnable)(shown, () => {
    if (apache === undefined) return;
    const zoos = [zoo, ensemble].flatMap((t) =>
      t?.isAvailable === true
        ? [{ name: t.target.name, suite: useTargetServer(t.target, options) }]
        : [],
    );
    body({ apache: useTargetServer(apache.target, options), zoos });
  });
}
