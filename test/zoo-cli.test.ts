// `zoo <command>`, the workspace's one command: each subcommand reaches its tool with the
// arguments untouched (its own --help, its flags, its exit code), and `zoo start` plus
// `zoo shell -c …` / piped lines work together as a user would run them.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { stopChild } from './support/child-exit.js';
import { findFreePort } from './support/four-letter-word.js';

const root = join(import.meta.dirname, '..');
const zooEntry = 'packages/server/src/cli/zoo.ts';
const started: ChildProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((child) => stopChild(child, 'SIGKILL')));
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `zoo …` from the sources (as `pnpm zoo …` does), feeding `input` on standard input. */
function zoo(args: readonly string[], input = ''): Promise<Ran> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=zoo-source', zooEntry, ...args],
    { cwd: root },
  );
  return collect(child, input);
}

function collect(child: ChildProcess, input: string): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin?.end(input);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Starts `zoo start` with `args`; resolves with its ready line. */
function zooStart(args: readonly string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=zoo-source', zooEntry, 'start', ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  started.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('\n')) resolve({ child, line: output.split('\n')[0] ?? '' });
    });
    child.once('exit', (code) => reject(new Error(`zoo start exited (${code}): ${output}`)));
  });
}

describe('zoo, the one command', () => {
  test('--help lists every tool, and each tool answers --help with its own flags', async () => {
    const [own, start, shell, data, sim, bench] = await Promise.all(
      [[], ['start'], ['shell'], ['data'], ['sim'], ['bench']].map((args) =>
        zoo([...args, '--help']),
      ),
    );
    for (const name of ['start', 'shell', 'status', 'data', 'sim', 'bench']) {
      expect(own?.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect(start?.stdout).toContain('--servers <n>');
    expect(shell?.stdout).toContain('-c, --command <line>');
    expect(data?.stdout).toContain('verify');
    expect(sim?.stdout).toContain('--seeds');
    expect(bench?.stdout).toContain('--sections');
    for (const ran of [own, start, shell, data, sim, bench]) expect(ran?.code).toBe(0);
    // `zoo help <command>` is the same as `zoo <command> --help`.
    expect(await zoo(['help', 'shell'])).toEqual(shell);
  }, 60_000);

  test('zoo data passes its arguments and exit code through', async () => {
    const missing = join(root, 'no-such-data-dir');
    const ran = await zoo(['data', 'verify', missing]);
    expect(ran.stderr).toContain(`zoo-data: cannot read ${missing}`);
    expect(ran.code).toBe(1);
  }, 30_000);

  test('zoo status runs zoo-status.ts with its own flags', async () => {
    const ran = await zoo(['status', '--help']);
    expect(ran.stdout).toContain('--once');
    expect(ran.code).toBe(0);
  }, 30_000);

  test('zoo start serves; zoo shell runs -c and piped commands, 1 after an error', async () => {
    const port = await findFreePort();
    const args = ['--servers', '1', '--in-memory', '--port', String(port), '--log-level', 'warn'];
    const { child, line } = await zooStart(args);
    const connectString = `127.0.0.1:${port}`;
    expect(line).toContain(`serving clients at ${connectString}`);

    const commands = await zoo(['shell', connectString, '-c', 'create /cli x', '-c', 'get /cli']);
    expect(commands).toEqual({ code: 0, stdout: 'Created /cli\nx\n', stderr: '' });
    const piped = await zoo(['shell', connectString], 'get /cli\nget /missing\nset /cli y\n');
    expect(piped).toEqual({ code: 1, stdout: 'x\n', stderr: 'Node does not exist: /missing\n' });
    // `pnpm shell` is the shortcut the repository offers.
    const viaPnpm = await new Promise<string>((resolve, reject) => {
      execFile('pnpm', ['-s', 'shell', connectString, '-c', 'get /cli'], { cwd: root }, (e, out) =>
        e === null ? resolve(out) : reject(e),
      );
    });
    expect(viaPnpm).toBe('y\n');

    await stopChild(child, 'SIGTERM');
    expect(child.exitCode).toBe(0);
  }, 90_000);
});
