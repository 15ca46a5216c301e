// Drives the ZooKeeper C client's sample shell (cli_mt from Debian `zookeeper-bin`, or cli_st)
// through stdin, one command at a time. After each command it sends `get` of a path that never
// exists: the client runs asynchronous completions and watchers in order on one thread, so
// that answer marks the end of the command's output, and the transcript (the shell writes to
// stderr) splits the same way on every run.

import { spawn, spawnSync } from 'node:child_process';

export interface CliStep {
  command: string;
  /** The shell's stderr lines from sending this command until the next one. */
  lines: string[];
}

export interface CliTranscript {
  /** The session id the shell printed on connecting (hex, without 0x). */
  sessionId: string;
  steps: CliStep[];
  exitCode: number | null;
}

const stepLimitMs = 10_000;
const connectLimitMs = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Debian's build takes `-h host:port`; upstream's cli_st takes the host list positionally. */
function hostArguments(binary: string, connectString: string): string[] {
  const usage = spawnSync(binary, [], { encoding: 'utf8', timeout: 5_000 });
  return `${usage.stdout}${usage.stderr}`.includes('--host')
    ? ['-h', connectString]
    : [connectString];
}

export async function runCClientScript(options: {
  binary: string;
  connectString: string;
  commands: readonly string[];
}): Promise<CliTranscript> {
  const child = spawn(options.binary, hostArguments(options.binary, options.connectString), {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  try {
    const sessionId = await waitForSession(() => output);
    const steps: CliStep[] = [];
    for (const [index, command] of options.commands.entries()) {
      const mark = output.length;
      const sentinel = `/zoo-cli-step-${index}`;
      child.stdin.write(`${command}\nget ${sentinel}\n`);
      const lines = await linesUntilSentinel(() => output.slice(mark), sentinel);
      steps.push({ command, lines });
    }
    child.stdin.end('quit\n');
    const exitCode = await Promise.race([exited, sleep(connectLimitMs).then(() => null)]);
    return { sessionId, steps, exitCode };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

async function waitForSession(output: () => string): Promise<string> {
  const deadline = Date.now() + connectLimitMs;
  while (Date.now() < deadline) {
    const match = /Got a new session id: 0x([0-9a-f]+)/.exec(output());
    if (match?.[1] !== undefined) return match[1];
    await sleep(20);
  }
  throw new Error(`the C client did not connect within ${connectLimitMs} ms:\n${output()}`);
}

/**
 * The lines before the sentinel's answer, which the shell prints as `time = N msec`,
 * `<path>: rc = -101`, ``, `Stat:`, `null`. (A synchronous call such as cli_mt's `exists` would
 * not do: its answer reaches the main thread while earlier completions may still be printing.)
 */
async function linesUntilSentinel(output: () => string, sentinel: string): Promise<string[]> {
  const deadline = Date.now() + stepLimitMs;
  while (Date.now() < deadline) {
    const lines = output().split('\n');
    const at = lines.indexOf(`${sentinel}: rc = -101`);
    const end = at < 1 ? -1 : lines.indexOf('null', at);
    if (end > at && lines.length > end + 1) {
      return lines.slice(0, at - 1).filter((line) => line !== '');
    }
    await sleep(10);
  }
  throw new Error(`no answer to the sentinel ${sentinel} within ${stepLimitMs} ms:\n${output()}`);
}
