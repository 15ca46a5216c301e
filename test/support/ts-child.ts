// Runs one of the test support scripts in a process of its own (under tsx, on the sources), with
// a JSON argument: for load generators whose CPU, memory and file descriptors must not be the
// measured server's.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface TsChild {
  readonly process: ChildProcess;
  /** Resolves with the first stdout line matching `pattern` (rejects if the child exits first). */
  lineMatching(pattern: RegExp): Promise<string>;
  /** Resolves with everything it printed once it exits 0; rejects otherwise. */
  readonly finished: Promise<string>;
}

/** `script`: a file name under test/support. */
export function spawnTsChild(script: string, argument: unknown): TsChild {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const args = ['--import', 'tsx', '--conditions=zoo-source', path, JSON.stringify(argument)];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const finished = new Promise<string>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      for (const listener of listeners) listener();
      if (code === 0) resolve(output);
      else reject(new Error(`${script} exited (${code ?? signal}): ${errors}`));
    });
  });
  // A child killed on purpose rejects `finished`; that is only an error to a caller awaiting it.
  finished.catch(() => undefined);
  const lineMatching = (pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const line = output.split('\n').find((candidate) => pattern.test(candidate));
        if (line !== undefined) resolve(line);
        else if (child.exitCode !== null || child.signalCode !== null)
          reject(new Error(`${script} exited without ${pattern}: ${errors}`));
        else return;
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  return { process: child, lineMatching, finished };
}
