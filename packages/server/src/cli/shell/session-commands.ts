// The shell's own commands, about the session and the shell itself: connect, close, history,
// quit, help.

import type { ShellCommand } from './shell-command.js';

/** ZooKeeper: ZooKeeperMain — `history` lists the current command and the ten before it. */
const historyShown = 11;

const connect: ShellCommand = {
  name: 'connect',
  usage: 'connect host:port',
  operands: [1, 1],
  async run(context, args) {
    await context.connect(args.operands[0] ?? '');
  },
};

const close: ShellCommand = {
  name: 'close',
  usage: 'close ',
  operands: [0, 0],
  async run(context) {
    await context.close();
  },
};

const history: ShellCommand = {
  name: 'history',
  usage: 'history ',
  operands: [0, 0],
  async run(context) {
    const entries = context.history().slice(-historyShown);
    context.out(entries.map((entry) => `${entry.number} - ${entry.line}`));
  },
};

const quit: ShellCommand = {
  name: 'quit',
  usage: 'quit ',
  operands: [0, 0],
  async run(context) {
    context.quit();
  },
};

const help: ShellCommand = {
  name: 'help',
  usage: 'help ',
  operands: [0, 0],
  async run(context) {
    context.out(context.usages());
  },
};

export const sessionCommands: readonly ShellCommand[] = [connect, close, history, quit, help];
