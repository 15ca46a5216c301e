// What a shell command is: its zkCli usage line, its flags (parsed by node:util's parseArgs), how
// many operands it takes, and what it does with a context that prints and holds the session.

import type { WatchListener, ZooClient } from '@zoo/client';

/** A failure the shell words itself (bad arguments, not connected); printed on stderr. */
export class ShellError extends Error {
  override readonly name = 'ShellError';
}

/** A flag as node:util parseArgs declares it; the long name is how `run` reads it. */
export interface FlagSpec {
  type: 'boolean' | 'string';
  short: string;
}

/** zkCli's flags that several commands share, each meaning the same everywhere. */
export const sharedFlags = {
  /** -s: print the node's stat after the result. */
  stat: { type: 'boolean', short: 's' },
  /** -w: arm a watch that prints its event. */
  watch: { type: 'boolean', short: 'w' },
  /** -v: the version the node must have. */
  version: { type: 'string', short: 'v' },
  /** -R: the whole subtree. */
  recursive: { type: 'boolean', short: 'R' },
} as const satisfies Record<string, FlagSpec>;

export interface CommandArgs {
  flags: Readonly<Record<string, string | boolean | undefined>>;
  operands: readonly string[];
}

export interface CommandContext {
  /** Prints lines on standard output. */
  out(lines: readonly string[]): void;
  /** The connected client; throws ShellError `Not connected` after close. */
  client(): ZooClient;
  /** A listener that prints each event it hears (zkCli's default watcher). */
  printingWatcher(): WatchListener;
  /** Closes the current session (if any) and connects to `connectString`. */
  connect(connectString: string): Promise<void>;
  close(): Promise<void>;
  /** Ends the shell once this command returns. */
  quit(): void;
  /** The lines entered so far, oldest first, with their numbers. */
  history(): readonly { number: number; line: string }[];
  /** The synopsis and every command's usage line, for `help`. */
  usages(): readonly string[];
}

export interface ShellCommand {
  name: string;
  /** zkCli's usage line, e.g. `ls [-s] [-w] [-R] path`. */
  usage: string;
  flags?: Readonly<Record<string, FlagSpec>>;
  /** Fewest and most operands (words that are not flags). */
  operands: readonly [number, number];
  run(context: CommandContext, args: CommandArgs): Promise<void>;
}

/** Reads a whole-number flag or operand, e.g. `-v 3`, or fails with the command's usage. */
export function integerArg(text: string | boolean | undefined, what: string): number | undefined {
  if (text === undefined || typeof text === 'boolean') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new ShellError(`${what} must be a whole number: ${text}`);
  return value;
}

/** The first operand: commands that take a path require it, so it is always there. */
export function pathOperand(args: CommandArgs): string {
  return args.operands[0] ?? '/';
}
