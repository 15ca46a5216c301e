// A live view of a group's members: the children of the group znode, read again whenever the
// child watch fires or the session reconnects (a watch does not survive a session change). Every
// client that sees the same membership computes the same assignment from it (partitioner.ts).

import type { ZooClient } from '../../api/zoo-client.js';
import { ErrorCode } from '../../protocol/index.js';
import { nodeRecipeEnv, sleep, type RecipeEnv } from '../support/recipe-env.js';
import { ensurePath } from '../support/znode-paths.js';
import { ListenerSet } from '../support/listener-set.js';
import { hasCode, isOutcomeUnknown, isRefusedForNow } from '../support/zoo-error-kinds.js';

export type MembersListener = (members: readonly string[]) => void;

export class GroupView {
  private current: readonly string[] = [];
  private readonly listeners = new ListenerSet<[readonly string[]]>();
  private isClosed = false;
  private stopReconnects: (() => void) | null = null;
  /** A read is wanted while one runs: run another after it (the watch may have fired twice). */
  private isReading = false;
  private isReadWanted = false;

  constructor(
    private readonly client: ZooClient,
    private readonly group: string,
    private readonly env: RecipeEnv = nodeRecipeEnv(),
  ) {}

  /** The members last read, sorted. */
  get members(): readonly string[] {
    return this.current;
  }

  /** Reads the group (creating its node if missing) and keeps the view current until close(). */
  async start(): Promise<readonly string[]> {
    await ensurePath(this.client, this.group);
    this.stopReconnects = this.client.on('connected', () => void this.refresh());
    await this.read();
    return this.current;
  }

  /** Runs `listener` with every changed membership; returns a function that removes it. */
  onChange(listener: MembersListener): () => void {
    return this.listeners.add(listener);
  }

  close(): void {
    this.isClosed = true;
    this.stopReconnects?.();
    this.listeners.clear();
  }

  private async refresh(): Promise<void> {
    if (this.isClosed) return;
    if (this.isReading) {
      this.isReadWanted = true;
      return;
    }
    this.isReading = true;
    try {
      do {
        this.isReadWanted = false;
        await this.readUntilDone();
      } while (this.isReadWanted && !this.isClosed);
    } finally {
      this.isReading = false;
    }
  }

  /** Reads until a read succeeds; a transient failure is retried after a short pause. */
  private async readUntilDone(): Promise<void> {
    for (let attempt = 0; !this.isClosed; attempt++) {
      try {
        await this.read();
        return;
      } catch (error) {
        if (hasCode(error, ErrorCode.SessionExpired, ErrorCode.ConnectionLoss)) return;
        if (!isOutcomeUnknown(error) && !isRefusedForNow(error)) throw error;
        await sleep(this.env, Math.min(1000, 10 * 2 ** attempt) * this.env.random());
      }
    }
  }

  private async read(): Promise<void> {
    const children = await this.client.getChildren(this.group, {
      watch: () => void this.refresh(),
    });
    const members = [...children].sort();
    if (this.isClosed || sameMembers(members, this.current)) return;
    this.current = members;
    this.listeners.emit(members);
  }
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((member, index) => member === b[index]);
}
