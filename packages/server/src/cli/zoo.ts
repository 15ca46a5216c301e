#!/usr/bin/env node
// `zoo <command>` (`pnpm zoo …` in the repository): one entry point for Zoo's command-line tools.
// Each subcommand hands its arguments, untouched, to the tool's own file, which parses them with
// its own commander program (so `zoo start --help` prints zoo-server's flags, kept in one place).

import { Command } from 'commander';
import { runTool, toolNames, tools } from './zoo-tools.js';

const program = new Command()
  .name('zoo')
  .description('Zoo, a ZooKeeper-compatible coordination service: its command-line tools')
  .enablePositionalOptions()
  .showHelpAfterError();

for (const name of toolNames) {
  program
    .command(name)
    .description(tools[name].description)
    .argument('[arguments...]', `${name}'s own arguments (zoo ${name} --help lists them)`)
    // The tool parses (and documents) its own flags: commander passes them through unread.
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (args: string[]) => {
      await runTool(name, args);
    });
}

// `zoo help <command>` shows the tool's own help, as `zoo <command> --help` does.
program
  .helpCommand(false)
  .command('help')
  .description('show the help of zoo or of one of its commands')
  .argument('[command]', 'a command of zoo')
  .action(async (name?: string) => {
    const tool = toolNames.find((candidate) => candidate === name);
    if (tool === undefined) program.help();
    else await runTool(tool, ['--help']);
  });

await program.parseAsync();
