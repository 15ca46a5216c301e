// Runs Apache's zkCli.sh (the Java client's shell) headless: a script piped to stdin, output
// normalized so runs against different servers compare line for line (no times, session ids
// or addresses; whoami's ids as a set).

import { describeRun, runProgram } from './run-program.js';

export interface ZkCliOutput {
  stdout: string[];
  stderr: string[];
}

/** Runs the script (a final `quit` is added) and resolves with the normalized output. */
export async function runZkCli(options: {
  zkCli: string;
  connectString: string;
  script: readonly string[];
}): Promise<ZkCliOutput> {
  const input = `${[...options.script, 'quit'].join('\n')}\n`;
  const args = ['-server', options.connectString];
  const result = await runProgram(options.zkCli, args, { timeoutMs: 30_000, input });
  if (result.code !== 0) throw new Error(describeRun('zkCli.sh', result));
  const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');
  const stdout = lines(result.stdout)
    .filter((line) => !line.startsWith('Connecting to '))
    .map((line) => line.replace(/^([cm]time = ).*/, '$1<time>'))
    .map((line) => line.replace(/^ephemeralOwner = 0x[0-9a-f]{2,}$/, 'ephemeralOwner = <session>'));
  const stderr = lines(result.stderr).filter((line) => !line.startsWith('SLF4J:'));
  return { stdout: sortWhoAmI(stdout), stderr };
}

/**
 * whoami lists a connection's ids in Apache's hash-set order (ServerCnxn.authInfo), an
 * accident of Java hashing; Zoo lists them in the order they were added. Compared as sets.
 */
function sortWhoAmI(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    out.push(line);
    if (line !== 'Auth scheme: User') continue;
    const ids: string[] = [];
    while (/^(ip|digest|sasl|x509|super): /.test(lines[i + 1] ?? '')) ids.push(lines[++i] ?? '');
    out.push(...ids.sort());
  }
  return out;
}
