// Runs one external program (python3, java, javac, zkCli.sh) to completion with a hard time
// limit, collecting its output; a program still running at the limit is killed (SIGKILL).

import { spawn } from 'node:child_process';

export interface ProgramResult {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunProgramOptions {
  timeoutMs: number;
  /** Written to stdin, which is then closed (stdin is closed at once without it). */
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Resolves when the program exits (never rejects for a non-zero exit; check `code`). */
export function runProgram(
  command: string,
  args: readonly string[],
  options: RunProgramOptions,
): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.on('error', () => undefined); // the program may exit before reading it all
    child.stdin.end(options.input ?? '');
  });
}

/** A one-paragraph description of a failed run, for assertion messages. */
export function describeRun(label: string, result: ProgramResult): string {
  const tail = (text: string): string => text.slice(-4_000);
  const how = result.timedOut ? 'timed out' : `exited with ${String(result.code)}`;
  const stdout = `--- stdout ---\n${tail(result.stdout)}`;
  return `${label} ${how}\n${stdout}\n--- stderr ---\n${tail(result.stderr)}`;
}
