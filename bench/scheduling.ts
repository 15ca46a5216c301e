// How the kernel schedules a process, read from /proc (Linux): its session and its scheduler
// autogroup. With autogroup on, a process started under setsid/detached gets a CPU share of its
// own, so the benchmark prints both for every server to show the systems were started alike.

import { readFileSync } from 'node:fs';

function sessionOf(pid: number | 'self'): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, may hold spaces): state ppid pgrp session.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3] ?? '?';
  } catch {
    return '?';
  }
}

function autogroupOf(pid: number | 'self'): string {
  try {
    return readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim().split(' ')[0] ?? '?';
  } catch {
    return '?';
  }
}

/** `session 812 /autogroup-9` for each pid, then the benchmark's own, to compare by eye. */
export function describeScheduling(pids: readonly number[]): string {
  const of = (pid: number | 'self'): string => `session ${sessionOf(pid)} ${autogroupOf(pid)}`;
  const servers = pids.map((pid) => `pid ${pid}: ${of(pid)}`).join(', ');
  return `scheduling: ${servers}; the benchmark: ${of('self')}`;
}
