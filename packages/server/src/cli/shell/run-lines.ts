// The shell without a terminal: runs each line (from -c or standard input) in turn, as zkCli
// runs piped input, going on after a failed command; the exit code says whether any failed.

import { Shell } from './shell.js';

export interface RunLinesOptions {
  connectString: string;
  sessionTimeoutMs: number;
  lines: Iterable<string> | AsyncIterable<string>;
  out(text: string): void;
  err(text: string): void;
}

/** 0 when every command succeeded, 1 when any failed; stops early at `quit`. */
export async function runShellLines(options: RunLinesOptions): Promise<number> {
  const shell = new Shell({ ...options, printsSessionEvents: false });
  let failures = 0;
  try {
    await shell.connect(options.connectString);
    for await (const line of options.lines) {
      if (!(await shell.run(line))) failures++;
      if (shell.isQuitting) break;
    }
  } finally {
    await shell.close();
  }
  return failures === 0 ? 0 : 1;
}
