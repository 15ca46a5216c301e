// Every shell command by name, and the reading of one command's words into flags and operands
// (node:util parseArgs, strict: an unknown flag or a wrong number of operands is a usage error).

import { parseArgs } from 'node:util';
import { aclCommands } from './acl-commands.js';
import { nodeCommands } from './node-commands.js';
import { sessionCommands } from './session-commands.js';
import { ShellError, type CommandArgs, type ShellCommand } from './shell-command.js';
import { watchQueryCommands } from './watch-query-commands.js';

export const shellCommands: ReadonlyMap<string, ShellCommand> = new Map(
  [...nodeCommands, ...aclCommands, ...watchQueryCommands, ...sessionCommands]
    // In Java's String order, as zkCli lists them (`addWatch` before `addauth`).
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((command) => [command.name, command]),
);

/** The command's flags and operands from the words after its name; ShellError(usage) if bad. */
export function parseCommandArgs(command: ShellCommand, words: readonly string[]): CommandArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(words, command),
      options: command.flags ?? {},
      allowPositionals: true,
      strict: true,
    });
  } catch {
    throw new ShellError(command.usage);
  }
  const [fewest, most] = command.operands;
  const operands = parsed.positionals;
  if (operands.length < fewest || operands.length > most) throw new ShellError(command.usage);
  const flags: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    // No flag is declared `multiple`, so each value is one string or boolean.
    if (!Array.isArray(value)) flags[name] = value;
  }
  return { flags, operands };
}

/** ZooKeeper: ZooKeeperMain.usage — the synopsis, then every command's usage line. */
export function usageLines(): string[] {
  const usages = [...shellCommands.values()].map((command) => `\t${command.usage}`);
  return ['ZooKeeper -server host:port cmd args', ...usages];
}

/**
 * parseArgs would read the `-1` of `-v -1` as a flag; commons-cli, which zkCli uses, takes it as
 * the value, so a negative number after a flag that takes a value is joined to it (`-v-1`).
 */
function joinNegativeValues(words: readonly string[], command: ShellCommand): string[] {
  const flagsWithValue = new Set(
    Object.values(command.flags ?? {})
      .filter((flag) => flag.type === 'string')
      .map((flag) => `-${flag.short}`),
  );
  const joined: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? '';
    const next = words[index + 1];
    if (flagsWithValue.has(word) && next !== undefined && /^-\d+$/.test(next)) {
      joined.push(`${word}${next}`);
      index++;
    } else {
      joined.push(word);
    }
  }
  return joined;
}
