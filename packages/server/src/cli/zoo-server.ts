// `pnpm start`: runs one Zoo server on 127.0.0.1:2181 (or --port/--host) until Ctrl-C, logging
// one line when it is ready to serve. commander parses the flags.

import { Command, InvalidArgumentError } from 'commander';
import { startServer } from '../start-server.js';
import type { StartServerOptions } from '../start-server.js';
import type { LogLevel } from '../adapters/node-env.js';

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError(`not a whole number: ${text}`);
  return value;
}

const program = new Command()
  .name('zoo-server')
  .description('Run a ZooKeeper-compatible Zoo server')
  .option('--port <port>', 'client port (0 picks a free port)', integer, 2181)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--tick-ms <ms>', 'tickTime: sessions negotiate 2–20 ticks', integer, 2000)
  .option('--extended-types', 'allow TTL nodes (zookeeper.extendedTypesEnabled)', false)
  .option(
    '--four-letter-words <list>',
    'whitelisted four-letter words, or *',
    'srvr,ruok,isro,stat,mntr,conf,cons,envi,dirs,wchs,wchc,wchp,dump',
  )
  .option('--super-digest <digest>', 'super user as user:base64(sha1(user:password))')
  .option('--log-level <level>', 'debug, info, warn or error', 'info')
  .parse();

interface CliOptions {
  port: number;
  host: string;
  tickMs: number;
  extendedTypes: boolean;
  fourLetterWords: string;
  superDigest?: string;
  logLevel: LogLevel;
}

const flags = program.opts<CliOptions>();
const options: StartServerOptions = {
  port: flags.port,
  host: flags.host,
  tickMs: flags.tickMs,
  extendedTypesEnabled: flags.extendedTypes,
  fourLetterWordWhitelist: flags.fourLetterWords,
  logLevel: flags.logLevel,
};
if (flags.superDigest !== undefined) options.superDigest = flags.superDigest;

const server = await startServer(options);
process.stdout.write(`Zoo server ready: standalone, serving clients at ${server.connectString}\n`);

let isStopping = false;
const stop = (signal: string): void => {
  if (isStopping) return;
  isStopping = true;
  process.stdout.write(`${signal}: stopping Zoo server\n`);
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
