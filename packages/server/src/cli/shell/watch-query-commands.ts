// The shell's commands for persistent watches and server-side queries: addWatch, removewatches,
// sync, getEphemerals, getAllChildrenNumber.

import { AddWatchMode, WatcherType } from '@zoo/client';
import { pathOperand, ShellError } from './shell-command.js';
import type { ShellCommand } from './shell-command.js';
import { listText } from './zkcli-format.js';

const addWatchModes: ReadonlyMap<string, number> = new Map([
  ['PERSISTENT', AddWatchMode.persistent],
  ['PERSISTENT_RECURSIVE', AddWatchMode.persistentRecursive],
]);

const addWatch: ShellCommand = {
  name: 'addWatch',
  usage:
    'addWatch [-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - ' +
    'default is PERSISTENT_RECURSIVE',
  flags: { mode: { type: 'string', short: 'm' } },
  operands: [1, 1],
  async run(context, args) {
    const modeName = args.flags['mode'];
    // ZooKeeper: AddWatchCommand — recursive unless -m says otherwise.
    const mode =
      typeof modeName === 'string' ? addWatchModes.get(modeName) : AddWatchMode.persistentRecursive;
    if (mode === undefined) {
      throw new ShellError(`${String(modeName)} is not a mode: PERSISTENT or PERSISTENT_RECURSIVE`);
    }
    await context.client().addWatch(pathOperand(args), mode, context.printingWatcher());
  },
};

const removeWatches: ShellCommand = {
  name: 'removewatches',
  usage: 'removewatches path [-c|-d|-a] [-l]',
  flags: {
    children: { type: 'boolean', short: 'c' },
    data: { type: 'boolean', short: 'd' },
    any: { type: 'boolean', short: 'a' },
    local: { type: 'boolean', short: 'l' },
  },
  operands: [1, 1],
  async run(context, args) {
    const { flags } = args;
    const watcherType =
      flags['children'] === true
        ? WatcherType.children
        : flags['data'] === true
          ? WatcherType.data
          : WatcherType.any;
    const options = { local: flags['local'] === true };
    await context.client().removeWatches(pathOperand(args), watcherType, options);
  },
};

const sync: ShellCommand = {
  name: 'sync',
  usage: 'sync path',
  operands: [1, 1],
  async run(context, args) {
    await context.client().sync(pathOperand(args));
    context.out(['Sync is OK']);
  },
};

const getEphemerals: ShellCommand = {
  name: 'getEphemerals',
  usage: 'getEphemerals path',
  operands: [0, 1],
  async run(context, args) {
    const paths = await context.client().getEphemerals(args.operands[0] ?? '/');
    context.out([listText(paths)]);
  },
};

const getAllChildrenNumber: ShellCommand = {
  name: 'getAllChildrenNumber',
  usage: 'getAllChildrenNumber path',
  operands: [1, 1],
  async run(context, args) {
    context.out([String(await context.client().getAllChildrenNumber(pathOperand(args)))]);
  },
};

export const watchQueryCommands: readonly ShellCommand[] = [
  addWatch,
  removeWatches,
  sync,
  getEphemerals,
  getAllChildrenNumber,
];
