// `pnpm status [connect]` (to become `zoo status`): who leads the ensemble, and each member's
// mode, zxid, sessions, znodes, watches and ops/s, refreshed until Ctrl-C (`--once`: one look,
// `--json`: as JSON). It asks the four-letter words srvr, mntr and conf, so it works against
// Zoo (which enables them under `pnpm start`) and Apache ZooKeeper (with 4lw.commands.whitelist
// listing them) alike, and finds the other members from conf's server list.

import { Command, InvalidArgumentError } from 'commander';
import { sampleEnsemble, type EnsembleStatus } from './status/ensemble-status.js';
import { statusTable } from './status/status-table.js';

function milliseconds(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`not a positive whole number of ms: ${text}`);
  }
  return value;
}

interface StatusFlags {
  once: boolean;
  json: boolean;
  intervalMs: number;
  timeoutMs: number;
}

const program = new Command()
  .name('zoo-status')
  .description('Show a ZooKeeper or Zoo ensemble: leader, modes, zxids, sessions, load')
  .argument('[connect]', 'one or more members, host:port[,host:port…]', '127.0.0.1:2181')
  .option('--once', 'look once (two samples, --interval apart, for ops/s) and exit', false)
  .option('--json', 'print JSON instead of a table', false)
  .option('--interval-ms <ms>', 'time between refreshes (and ops/s samples)', milliseconds, 1000)
  .option('--timeout-ms <ms>', 'how long a member may take to answer', milliseconds, 2000)
  .parse();

const connect = program.processedArgs[0] as string;
const flags = program.opts<StatusFlags>();
const addresses = connect.split(',').filter((address) => address.trim() !== '');

/** The JSON form: what a script needs, without the sampling bookkeeping. */
function statusJson(status: EnsembleStatus): string {
  const members = status.members.map(
    ({ packetsReceived: _packets, sampledAtMs: _at, ...member }) => member,
  );
  return JSON.stringify({ ...status, members });
}

function show(status: EnsembleStatus): void {
  if (flags.json) {
    process.stdout.write(`${statusJson(status)}\n`);
    return;
  }
  // On a terminal each refresh replaces the last; piped, the tables follow one another.
  if (!flags.once && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
  process.stdout.write(statusTable(status));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sample = (previous?: EnsembleStatus) =>
  sampleEnsemble(addresses, {
    timeoutMs: flags.timeoutMs,
    ...(previous === undefined ? {} : { previous }),
  });

process.on('SIGINT', () => process.exit(0));
let previous = await sample();
if (flags.once) {
  await pause(flags.intervalMs);
  const status = await sample(previous);
  show(status);
  process.exitCode = status.kind === 'unknown' ? 1 : 0;
} else {
  show(previous);
  for (;;) {
    await pause(flags.intervalMs);
    previous = await sample(previous);
    show(previous);
  }
}
