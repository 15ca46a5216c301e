// Runs a command at a pseudo-terminal, as a person at a terminal would, driven from a test:
// python3's pty module (in every Debian python3, no native build) opens the terminal, copies the
// test's keystrokes in and the program's output out, and exits with the program's exit code.

import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from './child-exit.js';

// The child gets a 200x50 terminal before it starts, so line editing knows its width.
const ptyScript = `
import fcntl, os, pty, select, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 200, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])
reading = [fd, 0]
while True:
    ready, _, _ = select.select(reading, [], [])
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            reading.remove(0)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;

const keyPauseMs = 200;

export interface Terminal {
  /**
   * Types keys (e.g. `ls /\r`, `\t` for Tab, `\x1b[A` for the up arrow), a pause between parts:
   * keys that arrive together read as a paste, where line editors do not complete on Tab.
   */
  type(...parts: string[]): Promise<void>;
  /** Everything shown so far, without escape sequences and carriage returns. */
  screen(): string;
  /** Resolves with the text shown after `from` once it matches; rejects after the timeout. */
  waitFor(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<string>;
  /** The exit code of the program. */
  exited: Promise<number | null>;
  kill(): Promise<void>;
}

/** Strips ANSI control sequences (cursor moves, clears) that line editors draw with. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

export function runInTerminal(command: string, args: readonly string[], cwd: string): Terminal {
  const child: ChildProcess = spawn('python3', ['-c', ptyScript, command, ...args], {
    cwd,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let raw = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf8');
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const screen = (): string => plain(raw);
  const waitFor = (pattern: RegExp, options: { from?: number; timeoutMs?: number } = {}) =>
    new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const shown = screen().slice(options.from ?? 0);
        if (!pattern.test(shown)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(shown);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${String(pattern)} on the terminal; it shows:\n${screen()}`));
      }, options.timeoutMs ?? 20_000);
      waiters.add(check);
      check();
    });
  return {
    type: async (...parts) => {
      for (const [index, keys] of parts.entries()) {
        if (index > 0) await new Promise((resolve) => setTimeout(resolve, keyPauseMs));
        child.stdin?.write(keys);
      }
    },
    screen,
    waitFor,
    exited,
    kill: () => stopChild(child, 'SIGKILL'),
  };
}
