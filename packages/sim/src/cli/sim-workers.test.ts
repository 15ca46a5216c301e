// `pnpm sim --workers 2` against the real simulator, from the TypeScript sources (tsx, worker
// threads loading TypeScript) and as `pnpm sim` runs it (sim-bundled.ts: an esbuild bundle on
// plain node): the same seeds on one worker and on two, from either, give the same trace digests
// and the same summary.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

function simLines(workers: number, entry: 'sim-cli.ts' | 'sim-bundled.ts'): string[] {
  const cli = join(import.meta.dirname, entry);
  const argv = ['--seeds', '4', '--seed', '21', '--nodes', '3', '--clients', '3'];
  argv.push('--duration', '2s', '--workers', String(workers));
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=zoo-source', cli, ...argv],
    { encoding: 'utf8' },
  );
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  // The bundle's folder, named by the launcher's pid, is gone once the sweep ends.
  expect(existsSync(join(import.meta.dirname, `../../dist/bundle/${child.pid}`))).toBe(false);
  return child.stdout.trimEnd().split('\n');
}

/** Wall times and rates differ from run to run; everything else must not. */
function withoutTimes(lines: readonly string[]): string[] {
  return lines.filter((line) => !/wall|per wall s|per hour/.test(line));
}

describe('pnpm sim --workers', () => {
  test('one worker and two give the same digests and summary', { timeout: 360_000 }, () => {
    const one = simLines(1, 'sim-cli.ts');
    const two = simLines(2, 'sim-cli.ts');
    const bundled = simLines(2, 'sim-bundled.ts');
    expect(one.find((line) => line.startsWith('sweep digest '))).toMatch(/[0-9a-f]{64}$/);
    expect(one.find((line) => line.startsWith('runs 4 '))).toBeDefined();
    expect(withoutTimes(two)).toEqual(withoutTimes(one));
    expect(withoutTimes(bundled)).toEqual(withoutTimes(one));
  });
});
