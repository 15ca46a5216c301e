// Stopping a child process the same way everywhere in tests and benchmarks: signal it, and if
// it has not exited within 5 s, SIGKILL it, so nothing ever hangs on a stuck JVM or server.

import type { ChildProcess } from 'node:child_process';

/** Whether the child is still running (neither exited nor killed). */
export const isChildAlive = (child: ChildProcess | null | undefined): child is ChildProcess =>
  child !== null && child !== undefined && child.exitCode === null && child.signalCode === null;

/** Sends `signal` and resolves once the child has exited (SIGKILL after 5 s). */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (!isChildAlive(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
