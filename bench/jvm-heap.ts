// The heap a running JVM holds after a full garbage collection, asked through `jcmd` (the JDK's
// diagnostic command tool): the znodes section's state method for Apache ZooKeeper.

import { spawnSync } from 'node:child_process';

/** Heap in use (MiB) after a full GC of the JVM `pid`, or null where jcmd cannot tell. */
export function jvmHeapAfterGcMib(pid: number): number | null {
  const gc = spawnSync('jcmd', [String(pid), 'GC.run'], { encoding: 'utf8', timeout: 60_000 });
  if (gc.status !== 0) return null;
  const info = spawnSync('jcmd', [String(pid), 'GC.heap_info'], { encoding: 'utf8' });
  return info.status === 0 ? parseHeapUsedMib(info.stdout) : null;
}

/** The `used NK` of the whole heap in `jcmd GC.heap_info` output (its first heap line). */
export function parseHeapUsedMib(text: string): number | null {
  const match = /heap\s+total \d+K, used (\d+)K/.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]) / 1024;
}
