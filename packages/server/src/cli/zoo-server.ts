// `pnpm start`: runs a local Zoo ensemble (3 servers on 127.0.0.1:2181–2183 by default) until
// Ctrl-C, logging one line when it is ready to serve. `--servers 1` runs a single standalone
// server; `--config zoo.cfg --myid N` runs one member of an ensemble spread over hosts.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startServer } from '../start-server.js';
import { startCluster } from '../start-cluster.js';
import { startMember } from '../start-member.js';
import { parseZooConfig } from '../config/zoo-config.js';
import type { ServerOptions } from '../server-options.js';
import type { LogFormat, LogLevel } from '../adapters/node-env.js';

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(`not a whole number: ${text}`);
  }
  return value;
}

const allWords = 'srvr,ruok,isro,stat,mntr,conf,cons,envi,dirs,wchs,wchc,wchp,dump';
const program = new Command()
  .name('zoo-server')
  .description('Run a ZooKeeper-compatible Zoo ensemble (or one server)')
  .option('--servers <n>', 'voting members of the local ensemble (any number ≥ 1)', integer, 3)
  .option('--observers <n>', 'non-voting members of the local ensemble', integer, 0)
  .option('--port <port>', 'client port of the first server (the next ones follow)', integer, 2181)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--tick-ms <ms>', 'tickTime: sessions negotiate 2–20 ticks', integer, 2000)
  .option('--extended-types', 'allow TTL nodes (zookeeper.extendedTypesEnabled)', false)
  .option('--four-letter-words <list>', 'whitelisted four-letter words, or *', allWords)
  .option('--super-digest <digest>', 'super user as user:base64(sha1(user:password))')
  .option('--config <file>', 'run one member of a multi-host ensemble from a zoo.cfg')
  .option('--myid <id>', 'this member’s id with --config (else myid= in the file)', integer)
  .option('--data-dir <dir>', 'keep data here, a folder per member by client port', 'zoo-data')
  .option('--in-memory', 'keep no data on disk: every start begins empty', false)
  .option('--snap-count <n>', 'applied txns between snapshots (zookeeper.snapCount)', integer)
  .option('--max-client-cnxns <n>', 'connections per client address, 0: no limit (60)', integer)
  .option('--log-level <level>', 'debug, info, warn or error', 'info')
  .option('--log-format <format>', 'text or json (one object a line)', 'text')
  .option(
    '--admin-port <port>',
    'admin HTTP port of the first server (next ones follow); 0: off',
    integer,
    8080,
  )
  .parse();

interface CliOptions {
  servers: number;
  observers: number;
  port: number;
  host: string;
  tickMs: number;
  extendedTypes: boolean;
  fourLetterWords: string;
  superDigest?: string;
  config?: string;
  myid?: number;
  dataDir: string;
  inMemory: boolean;
  snapCount?: number;
  maxClientCnxns?: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
  adminPort: number;
}

const flags = program.opts<CliOptions>();
const options: ServerOptions = {
  host: flags.host,
  tickMs: flags.tickMs,
  extendedTypesEnabled: flags.extendedTypes,
  fourLetterWordWhitelist: flags.fourLetterWords,
  logLevel: flags.logLevel,
  logFormat: flags.logFormat,
};
if (flags.superDigest !== undefined) options.superDigest = flags.superDigest;
if (flags.snapCount !== undefined) options.snapCount = flags.snapCount;
if (flags.maxClientCnxns !== undefined) options.maxClientCnxns = flags.maxClientCnxns;
const dataRoot = flags.inMemory ? null : resolve(flags.dataDir);
const isDataDirGiven = program.getOptionValueSource('dataDir') === 'cli';
// --admin-port 0 turns the admin server off; with --config, the file's admin.* settings rule
// unless the flag is given.
const adminPort = flags.adminPort === 0 ? null : flags.adminPort;
const isAdminPortGiven = program.getOptionValueSource('adminPort') === 'cli';

/** Where the data lives, for the ready line. */
function whereData(dir: string | null): string {
  return dir === null ? 'state in memory (--in-memory)' : `data in ${dir}`;
}

async function start(): Promise<{ line: string; close: () => Promise<void> }> {
  if (flags.config !== undefined) {
    const config = parseZooConfig(readFileSync(flags.config, 'utf8'));
    const myid = flags.myid ?? config.myid;
    if (myid === null) {
      throw new InvalidArgumentError('--config needs --myid (or myid= in the file)');
    }
    // zoo.cfg's dataDir (and dataLogDir for the txn log), as ZooKeeper uses them, unless
    // --data-dir (everything there) or --in-memory says otherwise.
    const dataDir = flags.inMemory ? null : isDataDirGiven ? dataRoot : config.dataDir;
    // zoo.cfg's 4lw.commands.whitelist rules unless --four-letter-words is given.
    const { fourLetterWordWhitelist, ...withoutWords } = options;
    const isWordsGiven = program.getOptionValueSource('fourLetterWords') === 'cli';
    const member = await startMember(config, {
      ...(isWordsGiven || config.fourLetterWordWhitelist === null ? options : withoutWords),
      myid,
      dataDir,
      ...(isDataDirGiven ? { dataLogDir: null } : {}),
      ...(isAdminPortGiven ? { adminPort } : {}),
    });
    const logDir = dataDir !== null && !isDataDirGiven ? config.dataLogDir : null;
    const line =
      `Zoo member ${myid} of ${config.members.length} up: listening for clients at ` +
      `${member.instance.connectString}; it serves once a quorum of its peers is up ` +
      `(${whereData(dataDir)}${logDir === null ? '' : `, txn log in ${logDir}`})`;
    return { line, close: () => member.close() };
  }
  if (flags.servers === 1 && flags.observers === 0) {
    const dataDir = dataRoot === null ? null : join(dataRoot, String(flags.port));
    const server = await startServer({
      ...options,
      port: flags.port,
      ...(dataDir === null ? {} : { dataDir }),
      ...(adminPort === null ? {} : { adminPort }),
    });
    return {
      line:
        `Zoo server ready: standalone, serving clients at ${server.connectString} ` +
        `(${whereData(dataDir)})`,
      close: () => server.close(),
    };
  }
  const cluster = await startCluster({
    ...options,
    size: flags.servers,
    observers: flags.observers,
    basePort: flags.port,
    ...(dataRoot === null ? {} : { dataDir: dataRoot }),
    ...(adminPort === null ? {} : { adminPort }),
  });
  const leader = await cluster.waitForLeader();
  const where =
    dataRoot === null ? whereData(null) : `data in ${dataRoot}, a folder per client port`;
  const line =
    `Zoo ensemble ready: ${flags.servers} servers, leader ${leader}, ` +
    `serving clients at ${cluster.connectString} (${where})`;
  return { line, close: () => cluster.close() };
}

// Whoever started us may have gone (a closed pipe): a line with nowhere to go must not turn a
// stop into a crash, so EPIPE on our own output is dropped rather than thrown.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// The signal handlers are in place before the ready line goes out, so whoever waits for that
// line and stops us at once finds them (a stop during start-up waits for the start to finish).
const starting = start();
let isStopping = false;
const stop = (signal: string): void => {
  if (isStopping) return;
  isStopping = true;
  process.stdout.write(`${signal}: stopping Zoo\n`);
  void starting.then((running) => running.close()).then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

const running = await starting;
process.stdout.write(`${running.line}\n`);
