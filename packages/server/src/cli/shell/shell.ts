// The shell itself, free of any terminal: it runs one line at a time against its session and
// prints through two callbacks, as zkCli would, answering whether the command succeeded. The
// interactive prompt and the non-interactive runner (-c, standard input) both drive it.

import { EventType, KeeperState, ZooError, createClient } from '@zoo/client';
import type { ClientEventName, WatchEvent, ZooClient } from '@zoo/client';
import { parseCommandArgs, shellCommands, usageLines } from './command-table.js';
import { ShellError, type CommandContext } from './shell-command.js';
import { tokenize } from './tokenize.js';
import { watchEventLines } from './zkcli-format.js';
import { zookeeperErrorText } from './zookeeper-error-text.js';

export interface ShellOptions {
  /** Prints text (whole lines, each with its newline) on standard output … */
  out(text: string): void;
  /** … and on standard error. */
  err(text: string): void;
  sessionTimeoutMs: number;
  /** Print session state changes (connected, closed, …) as zkCli does; the prompt wants them. */
  printsSessionEvents: boolean;
}

const keeperStateOfEvent: Readonly<Record<ClientEventName, number>> = {
  connected: KeeperState.syncConnected,
  readOnly: KeeperState.connectedReadOnly,
  disconnected: KeeperState.disconnected,
  expired: KeeperState.expired,
  authFailed: KeeperState.authFailed,
  closed: KeeperState.closed,
};

/** zkCli's prompt names for the client's states. */
const stateNames: Readonly<Record<ZooClient['state'], string>> = {
  connecting: 'CONNECTING',
  connected: 'CONNECTED',
  connectedReadOnly: 'CONNECTEDREADONLY',
  closing: 'CLOSED',
  closed: 'CLOSED',
  expired: 'EXPIRED',
  authFailed: 'AUTH_FAILED',
};

export class Shell {
  private readonly options: ShellOptions;
  private session: ZooClient | null = null;
  private connectString = '';
  private readonly entries: { number: number; line: string }[] = [];
  private isQuitRequested = false;
  private readonly context: CommandContext;

  constructor(options: ShellOptions) {
    this.options = options;
    this.context = {
      out: (lines) => this.print(lines),
      client: () => this.connectedClient(),
      printingWatcher: () => (event) => this.printWatchEvent(event),
      connect: (connectString) => this.connect(connectString),
      close: () => this.close(),
      quit: () => {
        this.isQuitRequested = true;
      },
      history: () => this.entries,
      usages: usageLines,
    };
  }

  /** True once `quit` ran: the driver stops reading lines. */
  get isQuitting(): boolean {
    return this.isQuitRequested;
  }

  /** The current client, or null before the first connect; completion reads through it. */
  currentClient(): ZooClient | null {
    return this.session;
  }

  /** zkCli's prompt: `[zoo: 127.0.0.1:2181(CONNECTED) 3] `. */
  prompt(): string {
    const state = this.session === null ? 'CLOSED' : stateNames[this.session.state];
    return `[zoo: ${this.connectString}(${state}) ${this.entries.length}] `;
  }

  /** Closes any session and opens one to `connectString` (it connects in the background). */
  async connect(connectString: string): Promise<void> {
    await this.close();
    this.connectString = connectString;
    const client = createClient(connectString, { sessionTimeoutMs: this.options.sessionTimeoutMs });
    this.session = client;
    if (this.options.printsSessionEvents) {
      for (const [name, state] of Object.entries(keeperStateOfEvent)) {
        client.on(name as ClientEventName, () => {
          this.print(watchEventLines({ type: EventType.none, state, path: '' }));
        });
      }
    }
  }

  /** Closes the session; commands then fail with `Not connected` until `connect`. */
  async close(): Promise<void> {
    await this.session?.close();
  }

  /** Runs one line; false when it failed (the error is printed on standard error). */
  async run(line: string): Promise<boolean> {
    const [name, ...words] = tokenize(line);
    if (name === undefined) return true;
    this.entries.push({ number: this.entries.length, line });
    const command = shellCommands.get(name);
    if (command === undefined) {
      // ZooKeeper: ZooKeeperMain.usage, then CommandNotFoundException's message.
      this.printError(usageLines());
      this.printError([`Command not found: Command not found ${name}`]);
      return false;
    }
    try {
      await command.run(this.context, parseCommandArgs(command, words));
      return true;
    } catch (error) {
      this.printError([describeFailure(error)]);
      return false;
    }
  }

  private connectedClient(): ZooClient {
    const state = this.session?.state;
    if (this.session === null || state === 'closing' || state === 'closed') {
      throw new ShellError('Not connected');
    }
    return this.session;
  }

  private printWatchEvent(event: WatchEvent): void {
    // Session events reach every armed listener; they are printed once, from the client's own
    // state events, as zkCli's single default watcher prints them once.
    if (event.type !== EventType.none) this.print(watchEventLines(event));
  }

  private print(lines: readonly string[]): void {
    if (lines.length > 0) this.options.out(`${lines.join('\n')}\n`);
  }

  private printError(lines: readonly string[]): void {
    this.options.err(`${lines.join('\n')}\n`);
  }
}

/** A failed command's line on stderr: zkCli's wording, or the error's own message. */
function describeFailure(error: unknown): string {
  if (error instanceof ZooError) return zookeeperErrorText(error);
  // Anything else (a connect string the client refuses, say) fails that command alone, as
  // zkCli prints an exception's message and goes on.
  return error instanceof Error ? error.message : String(error);
}
