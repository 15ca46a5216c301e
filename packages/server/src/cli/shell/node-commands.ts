// The shell's commands that read and write znodes: ls, get, set, create, delete, deleteall, stat,
// with zkCli's flags and output (a stat after the result with -s, a printing watch with -w).

import { CreateMode, ErrorCode, ZooError } from '@zoo/client';
import type { CreateModeValue, CreateOptions } from '@zoo/client';
import { parseAcl } from './parse-acl.js';
import { integerArg, pathOperand, sharedFlags, ShellError } from './shell-command.js';
import type { CommandArgs, CommandContext, ShellCommand } from './shell-command.js';
import { subtreePaths } from './subtree.js';
import { listText, statLines, statLinesIfAsked } from './zkcli-format.js';

/** ZooKeeper: DeleteAllCommand — deletes go out in multis of this many by default. */
const deleteBatchSizeDefault = 1000;

/** `{ watch }` when -w was given: zkCli's watch prints each event it hears. */
function watchOf(context: CommandContext, args: CommandArgs) {
  return args.flags['watch'] === true ? { watch: context.printingWatcher() } : {};
}

const ls: ShellCommand = {
  name: 'ls',
  usage: 'ls [-s] [-w] [-R] path',
  flags: {
    stat: sharedFlags.stat,
    watch: sharedFlags.watch,
    recursive: sharedFlags.recursive,
  },
  operands: [1, 1],
  async run(context, args) {
    const client = context.client();
    const path = pathOperand(args);
    if (args.flags['recursive'] === true) {
      context.out(await subtreePaths(client, path));
      return;
    }
    const { children, stat } = await client.getChildrenWithStat(path, watchOf(context, args));
    // ZooKeeper: LsCommand.printChildren sorts the names.
    context.out([listText([...children].sort()), ...statLinesIfAsked(args, stat)]);
  },
};

const get: ShellCommand = {
  name: 'get',
  usage: 'get [-s] [-w] path',
  flags: { stat: sharedFlags.stat, watch: sharedFlags.watch },
  operands: [1, 1],
  async run(context, args) {
    const { data, stat } = await context
      .client()
      .getData(pathOperand(args), watchOf(context, args));
    const text = data === null ? 'null' : data.toString('utf8');
    context.out([text, ...statLinesIfAsked(args, stat)]);
  },
};

const set: ShellCommand = {
  name: 'set',
  usage: 'set [-s] [-v version] path data',
  flags: { stat: sharedFlags.stat, version: sharedFlags.version },
  operands: [2, 2],
  async run(context, args) {
    const version = integerArg(args.flags['version'], 'version') ?? -1;
    const data = args.operands[1] ?? '';
    const stat = await context.client().setData(pathOperand(args), data, version);
    context.out(statLinesIfAsked(args, stat));
  },
};

/** ZooKeeper: CreateCommand — which CreateMode the flags ask for, and which they refuse. */
function createModeOf(flags: CommandArgs['flags']): CreateModeValue {
  const [isEphemeral, isSequential, isContainer] = ['ephemeral', 'sequential', 'container'].map(
    (name) => flags[name] === true,
  );
  const hasTtl = flags['ttl'] !== undefined;
  if (isContainer && (isEphemeral || isSequential)) {
    throw new ShellError(
      '-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.',
    );
  }
  if (hasTtl && isEphemeral) throw new ShellError('TTLs cannot be used with Ephemeral znodes');
  if (hasTtl && isContainer) throw new ShellError('TTLs cannot be used with Container znodes');
  if (isEphemeral) return isSequential ? CreateMode.ephemeralSequential : CreateMode.ephemeral;
  if (isContainer) return CreateMode.container;
  if (hasTtl) {
    return isSequential ? CreateMode.persistentSequentialWithTtl : CreateMode.persistentWithTtl;
  }
  return isSequential ? CreateMode.persistentSequential : CreateMode.persistent;
}

const create: ShellCommand = {
  name: 'create',
  usage: 'create [-s] [-e] [-c] [-t ttl] path [data] [acl]',
  flags: {
    sequential: { type: 'boolean', short: 's' },
    ephemeral: { type: 'boolean', short: 'e' },
    container: { type: 'boolean', short: 'c' },
    ttl: { type: 'string', short: 't' },
  },
  operands: [1, 3],
  async run(context, args) {
    const [path = '/', data, aclText] = args.operands;
    const options: CreateOptions = { mode: createModeOf(args.flags) };
    const ttlMs = integerArg(args.flags['ttl'], 'ttl');
    if (ttlMs !== undefined) options.ttlMs = ttlMs;
    if (aclText !== undefined) options.acl = parseAcl(aclText);
    // Without data zkCli creates the node with null data (`get` prints `null`).
    const created = await context.client().create(path, data ?? null, options);
    context.out([`Created ${created}`]);
  },
};

const remove: ShellCommand = {
  name: 'delete',
  usage: 'delete [-v version] path',
  flags: { version: sharedFlags.version },
  operands: [1, 1],
  async run(context, args) {
    const version = integerArg(args.flags['version'], 'version') ?? -1;
    await context.client().delete(pathOperand(args), version);
  },
};

const deleteAll: ShellCommand = {
  name: 'deleteall',
  usage: 'deleteall path [-b batch size]',
  flags: { batch: { type: 'string', short: 'b' } },
  operands: [1, 1],
  async run(context, args) {
    const batchSize = integerArg(args.flags['batch'], 'batch size') ?? deleteBatchSizeDefault;
    if (batchSize < 1) throw new ShellError('batch size must be positive');
    const client = context.client();
    // ZooKeeper: ZKUtil.deleteRecursive — the deepest first, in multis of the batch size.
    const paths = (await subtreePaths(client, pathOperand(args))).reverse();
    for (let start = 0; start < paths.length; start += batchSize) {
      const batch = paths.slice(start, start + batchSize);
      await client.multi(batch.map((path) => ({ type: 'delete', path }) as const));
    }
  },
};

const stat: ShellCommand = {
  name: 'stat',
  usage: 'stat [-w] path',
  flags: { watch: sharedFlags.watch },
  operands: [1, 1],
  async run(context, args) {
    const path = pathOperand(args);
    const found = await context.client().exists(path, watchOf(context, args));
    if (found === null) throw new ZooError(ErrorCode.NoNode, path);
    context.out(statLines(found));
  },
};

export const nodeCommands: readonly ShellCommand[] = [
  ls,
  get,
  set,
  create,
  remove,
  deleteAll,
  stat,
];
