// The shell's commands about permissions and identity: getAcl, setAcl, addauth, whoami.

import { parseAcl } from './parse-acl.js';
import { integerArg, pathOperand, sharedFlags } from './shell-command.js';
import type { ShellCommand } from './shell-command.js';
import { subtreePaths } from './subtree.js';
import { aclLines, statLinesIfAsked, whoAmILines } from './zkcli-format.js';

const getAcl: ShellCommand = {
  name: 'getAcl',
  usage: 'getAcl [-s] path',
  flags: { stat: sharedFlags.stat },
  operands: [1, 1],
  async run(context, args) {
    const { acl, stat } = await context.client().getACL(pathOperand(args));
    context.out([...aclLines(acl), ...statLinesIfAsked(args, stat)]);
  },
};

const setAcl: ShellCommand = {
  name: 'setAcl',
  usage: 'setAcl [-s] [-v version] [-R] path acl',
  flags: {
    stat: sharedFlags.stat,
    version: sharedFlags.version,
    recursive: sharedFlags.recursive,
  },
  operands: [2, 2],
  async run(context, args) {
    const client = context.client();
    const path = pathOperand(args);
    const acl = parseAcl(args.operands[1] ?? '');
    const version = integerArg(args.flags['version'], 'version') ?? -1;
    if (args.flags['recursive'] === true) {
      // ZooKeeper: SetAclCommand with -R sets the same ACL on every node of the subtree.
      for (const node of await subtreePaths(client, path)) await client.setACL(node, acl, version);
      return;
    }
    const stat = await client.setACL(path, acl, version);
    context.out(statLinesIfAsked(args, stat));
  },
};

const addAuth: ShellCommand = {
  name: 'addauth',
  usage: 'addauth scheme auth',
  operands: [1, 2],
  async run(context, args) {
    const [scheme = '', auth = ''] = args.operands;
    await context.client().addAuth(scheme, auth);
  },
};

const whoAmI: ShellCommand = {
  name: 'whoami',
  usage: 'whoami ',
  operands: [0, 0],
  async run(context) {
    context.out(whoAmILines(await context.client().whoAmI()));
  },
};

export const aclCommands: readonly ShellCommand[] = [getAcl, setAcl, addAuth, whoAmI];
