// `zoo shell [server]` (`pnpm shell`): a ZooKeeper shell like zkCli over @zoo/client, for Zoo
// and Apache ZooKeeper alike. At a terminal it prompts; with -c, or with input piped in, it runs
// those commands and exits 1 if any failed (each error on standard error, worded as zkCli's).

import * as readline from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { sessionTimeoutMsDefault } from '@zoo/client';
import { runInteractiveShell } from './shell/interactive-shell.js';
import { runShellLines } from './shell/run-lines.js';

function milliseconds(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`not a positive whole number: ${text}`);
  }
  return value;
}

const examples = `
Examples:
  $ zoo shell                                  prompt, connected to 127.0.0.1:2181
  $ zoo shell 127.0.0.1:2181 -c 'create /a x' -c 'get -s /a'
  $ printf 'ls /\\nget /a\\n' | zoo shell 127.0.0.1:2181
Type help at the prompt for the commands (zkCli's: ls, get, set, create, delete, …).`;

const program = new Command()
  .name('zoo shell')
  .description('A ZooKeeper shell like zkCli, for Zoo and Apache ZooKeeper')
  .argument('[server]', 'connect string: host:port[,host:port…][/chroot]', '127.0.0.1:2181')
  .option(
    '-c, --command <line>',
    'run this command and exit (repeat -c for several); without -c and a terminal, ' +
      'standard input is read a command per line',
    (line: string, previous: string[]) => [...previous, line],
    [],
  )
  .option(
    '--session-timeout <ms>',
    'requested session timeout',
    milliseconds,
    sessionTimeoutMsDefault,
  )
  .addHelpText('after', examples)
  .parse();

const connectString = program.processedArgs[0] as string;
const flags = program.opts<{ command: string[]; sessionTimeout: number }>();
const common = { connectString, sessionTimeoutMs: flags.sessionTimeout };

if (flags.command.length === 0 && process.stdin.isTTY === true) {
  process.exitCode = await runInteractiveShell({
    ...common,
    input: process.stdin,
    output: process.stdout,
    errors: process.stderr,
  });
} else {
  const lines =
    flags.command.length > 0
      ? flags.command
      : readline.createInterface({ input: process.stdin, terminal: false });
  process.exitCode = await runShellLines({
    ...common,
    lines,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  });
}
