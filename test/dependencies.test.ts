// The import rules of .dependency-cruiser.cjs (no cycles, no I/O in the deterministic cores,
// msgpackr and ws only in the server's adapters, no reaching into another package's src/), run
// by dependency-cruiser over every package, test/ and bench/ as part of `pnpm test`.

import { join } from 'node:path';
import { cruise } from 'dependency-cruiser';
import type { ICruiseResult, IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');
const cruised = ['packages/client/src', 'packages/server/src', 'packages/sim/src', 'test', 'bench'];

function describeCycle(modules: readonly string[]): string {
  return [...modules, modules[0] ?? ''].join('\n    → ');
}

/** One readable paragraph per violation: the rule, the import, and the cycle if there is one. */
function describeViolation(violation: IViolation): string {
  const head = `${violation.rule.name}: ${violation.from} → ${violation.to}`;
  if (violation.cycle === undefined) return head;
  return `${head}\n  cycle: ${describeCycle(violation.cycle.map((step) => step.name))}`;
}

async function cruiseRepository(): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(join(root, 'tsconfig.json'));
  const { output } = await cruise(cruised, { ...options, baseDir: root }, {}, { tsConfig });
  if (typeof output === 'string') throw new Error(`dependency-cruiser printed: ${output}`);
  return output;
}

describe('dependencies', () => {
  let result: ICruiseResult;
  beforeAll(async () => {
    result = await cruiseRepository();
  }, 120_000);

  test('the cruise sees every package, test/ and bench/, and resolves @zoo/* to src/', () => {
    const sources = result.modules.map((module) => module.source);
    for (const folder of cruised) {
      expect(sources.some((source) => source.startsWith(`${folder}/`))).toBe(true);
    }
    // The simulator's imports of the server resolve to TypeScript sources, so no build is needed
    // and the rules see through the package boundary.
    expect(sources).toContain('packages/server/src/internals.ts');
  });

  test('no import breaks a rule of .dependency-cruiser.cjs, and no import cycle exists', () => {
    const problems = result.summary.violations.map(describeViolation);
    expect(problems, problems.join('\n\n')).toEqual([]);
  });

  test('a cycle would be reported: the rule sees type-only imports too', () => {
    // The request path reaches the peer only through the RequestContext interface; if the rule
    // ignored `import type`, a cycle through a type would pass unseen.
    const pipeline = result.modules.find(
      (module) => module.source === 'packages/server/src/core/requests/request-pipeline.ts',
    );
    const resolved = pipeline?.dependencies.map((dependency) => dependency.resolved) ?? [];
    expect(resolved).toContain('packages/server/src/core/requests/request-context.ts');
  });
});
