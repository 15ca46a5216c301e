// CPU time the server processes spend, read from /proc/<pid>/stat (Linux): it measures how much
// work each system does per operation, which other load on the machine skews far less than
// throughput. Elsewhere it reports null and the benchmark prints throughput alone.

import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc times (USER_HZ, 100 on every Linux platform). */
const clockTicksPerSecond = 100;

function cpuTicksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
  } catch {
    return null;
  }
}

/** User plus system CPU seconds of all `pids` (all their threads) so far, or null if unknown. */
export function cpuSecondsOf(pids: readonly number[]): number | null {
  let ticks = 0;
  for (const pid of pids) {
    const pidTicks = cpuTicksOf(pid);
    if (pidTicks === null) return null;
    ticks += pidTicks;
  }
  return pids.length === 0 ? null : ticks / clockTicksPerSecond;
}
