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

/**
 * Cycles that exist today and are waiting to be removed: each is the exact cycle path, starting
 * at its alphabetically first module (the last module imports the first again). The rule stays
 * strict: any other cycle fails, and so does an entry here whose cycle is gone, so this list can
 * only shrink. Delete an entry when the code that removes its cycle lands.
 */
const knownCycles: readonly (readonly string[])[] = [
  // removed by the core reshaping
  [
    'packages/server/src/core/auth.ts',
    'packages/server/src/core/peer.ts',
    'packages/server/src/core/request-intake.ts',
  ],
  // removed by the core reshaping
  ['packages/server/src/core/commit-pipeline.ts', 'packages/server/src/core/peer.ts'],
  // removed by the core reshaping
  [
    'packages/server/src/core/commit-pipeline.ts',
    'packages/server/src/core/request-kinds.ts',
    'packages/server/src/core/peer.ts',
  ],
  // removed by the core reshaping
  ['packages/server/src/core/handshake.ts', 'packages/server/src/core/peer.ts'],
  // removed by the core reshaping
  ['packages/server/src/core/peer.ts', 'packages/server/src/core/request-intake.ts'],
  // removed by the core reshaping
  [
    'packages/server/src/core/peer.ts',
    'packages/server/src/core/request-intake.ts',
    'packages/server/src/core/request-kinds.ts',
  ],
];

/** A cycle's modules rotated to start at the alphabetically first, so each cycle has one form. */
function canonicalCycle(modules: readonly string[]): string[] {
  const first = modules.reduce((least, name) => (name < least ? name : least));
  const start = modules.indexOf(first);
  return [...modules.slice(start), ...modules.slice(0, start)];
}

function describeCycle(modules: readonly string[]): string {
  return [...modules, modules[0] ?? ''].join('\n    → ');
}

/** One readable paragraph per violation: the rule, the import, and the cycle if there is one. */
function describeViolation(violation: IViolation): string {
  const head = `${violation.rule.name}: ${violation.from} → ${violation.to}`;
  if (violation.cycle === undefined) return head;
  return `${head}\n  cycle: ${describeCycle(violation.cycle.map((step) => step.name))}`;
}

/** Whether every import along the cycle (each module → the next, the last → the first) exists. */
function cycleExists(result: ICruiseResult, modules: readonly string[]): boolean {
  return modules.every((from, index) => {
    const to = modules[(index + 1) % modules.length];
    const module = result.modules.find((candidate) => candidate.source === from);
    return module?.dependencies.some((dependency) => dependency.resolved === to) ?? false;
  });
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

  test('no import breaks a rule of .dependency-cruiser.cjs', () => {
    const problems = result.summary.violations
      .filter((violation) => violation.rule.name !== 'no-circular')
      .map(describeViolation);
    expect(problems, problems.join('\n\n')).toEqual([]);
  });

  test('no import cycle beyond the known ones that the core reshaping removes', () => {
    const known = new Set(knownCycles.map((cycle) => describeCycle(canonicalCycle(cycle))));
    const unexpected = result.summary.violations
      .filter((violation) => violation.rule.name === 'no-circular')
      .filter((violation) => {
        const modules = (violation.cycle ?? []).map((step) => step.name);
        return !known.has(describeCycle(canonicalCycle(modules)));
      })
      .map(describeViolation);
    expect(unexpected, unexpected.join('\n\n')).toEqual([]);
  });

  test('every known cycle still exists (remove the entries of cycles that are gone)', () => {
    const gone = knownCycles
      .filter((cycle) => !cycleExists(result, cycle))
      .map((cycle) => `no longer a cycle: ${describeCycle(cycle)}`);
    expect(gone, gone.join('\n\n')).toEqual([]);
  });
});
