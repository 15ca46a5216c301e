// Splits a shell line into words as zkCli does: whitespace separates them, and single or double
// quotes keep spaces inside one word (`set /a "two words"`); the quotes themselves are dropped.

/** The words of `line`; an unclosed quote runs to the end of the line. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  // ZooKeeper: ZooKeeperMain.MyCommandOptions.QUOTED_PATTERN — a quoted run, or a bare word.
  for (const match of line.matchAll(/"([^"]*)"?|'([^']*)'?|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return words;
}
