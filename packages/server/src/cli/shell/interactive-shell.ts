// The shell at a terminal: a readline prompt with zkCli's prompt text, line editing, history on
// the arrow keys and tab completion. Watch events arriving while the prompt waits are printed
// above it, and the prompt and the half-typed line are drawn again below them.

import * as readline from 'node:readline';
import { complete } from './completion.js';
import { Shell } from './shell.js';

export interface InteractiveOptions {
  connectString: string;
  sessionTimeoutMs: number;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
}

const historySize = 1_000;

/** Runs the prompt until `quit`, Ctrl-D or Ctrl-C; answers the exit code (0). */
export async function runInteractiveShell(options: InteractiveOptions): Promise<number> {
  const { output } = options;
  let isRunningCommand = false;
  const rl = readline.createInterface({
    input: options.input,
    output,
    terminal: true,
    historySize,
    completer: (line: string, callback: (error: null, result: [string[], string]) => void) => {
      void complete(line, shell.currentClient()).then((result) => callback(null, result));
    },
  });
  /** Writes text; while the prompt waits, above it, then draws the prompt and line again. */
  const printer = (stream: NodeJS.WritableStream) => (text: string) => {
    if (isRunningCommand) {
      stream.write(text);
      return;
    }
    readline.clearLine(output, 0);
    readline.cursorTo(output, 0);
    stream.write(text);
    rl.setPrompt(shell.prompt());
    rl.prompt(true);
  };
  const shell = new Shell({
    out: printer(output),
    err: printer(options.errors),
    sessionTimeoutMs: options.sessionTimeoutMs,
    printsSessionEvents: true,
  });
  // zkCli exits on Ctrl-C too; without a listener readline would only pause.
  rl.on('SIGINT', () => rl.close());
  output.write(`Connecting to ${options.connectString}\nWelcome to Zoo! (help lists commands)\n`);
  isRunningCommand = true;
  await shell.connect(options.connectString);
  for await (const line of promptedLines(rl, shell, (busy) => (isRunningCommand = busy))) {
    await shell.run(line);
    if (shell.isQuitting) break;
  }
  rl.close();
  await shell.close();
  return 0;
}

/** The lines typed, each after a fresh prompt; `setBusy` is false exactly while one is awaited. */
async function* promptedLines(
  rl: readline.Interface,
  shell: Shell,
  setBusy: (busy: boolean) => void,
): AsyncGenerator<string> {
  const lines = rl[Symbol.asyncIterator]();
  for (;;) {
    rl.setPrompt(shell.prompt());
    rl.prompt();
    setBusy(false);
    const next = await lines.next();
    setBusy(true);
    if (next.done === true) return;
    yield next.value;
  }
}
