// A double barrier (ZooKeeper's recipe): `count` participants enter, and none goes on until all
// have; each leaves, and none goes on until all have. A participant is an ephemeral node
// `<path>/<id>`, so one that dies leaves. The first to see every participant in creates
// `<path>/ready`, and anyone who finds it goes on: a participant that already left does not
// strand the others. Entering again after a lost reply finds its own node (NodeExists).

import type { ZooClient } from '../../api/zoo-client.js';
import { CreateMode, ErrorCode, type CreateModeValue } from '../../protocol/index.js';
import { childPath, ensurePath } from '../support/znode-paths.js';
import { hasCode } from '../support/zoo-error-kinds.js';
import { abortable } from './barrier.js';

const readyName = 'ready';

export class DoubleBarrier {
  private readonly ownPath: string;

  constructor(
    private readonly client: ZooClient,
    readonly path: string,
    private readonly count: number,
    id: string,
  ) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count ${count}`);
    if (id === readyName || id.length === 0 || id.includes('/')) {
      throw new RangeError(`participant id ${JSON.stringify(id)}`);
    }
    this.ownPath = childPath(path, id);
  }

  /** Joins; resolves once `count` participants have entered. */
  async enter(signal?: AbortSignal): Promise<void> {
    await ensurePath(this.client, this.path);
    await this.createOrFind(this.ownPath, CreateMode.ephemeral);
    for (;;) {
      signal?.throwIfAborted();
      const { children, changed } = await this.watchChildren();
      if (children.includes(readyName)) return;
      if (participants(children).length >= this.count) {
        await this.createOrFind(childPath(this.path, readyName), CreateMode.persistent);
        return;
      }
      await abortable(changed, signal);
    }
  }

  /** Leaves; resolves once every participant has left. The last one out removes `ready`. */
  async leave(signal?: AbortSignal): Promise<void> {
    try {
      await this.client.delete(this.ownPath);
    } catch (error) {
      if (!hasCode(error, ErrorCode.NoNode)) throw error;
    }
    for (;;) {
      signal?.throwIfAborted();
      const { children, changed } = await this.watchChildren();
      if (participants(children).length === 0) {
        try {
          await this.client.delete(childPath(this.path, readyName));
        } catch (error) {
          if (!hasCode(error, ErrorCode.NoNode)) throw error;
        }
        return;
      }
      await abortable(changed, signal);
    }
  }

  private async watchChildren(): Promise<{ children: string[]; changed: Promise<void> }> {
    let fired!: () => void;
    const changed = new Promise<void>((resolve) => (fired = resolve));
    const children = await this.client.getChildren(this.path, { watch: () => fired() });
    return { children, changed };
  }

  private async createOrFind(path: string, mode: CreateModeValue): Promise<void> {
    try {
      await this.client.create(path, null, { mode });
    } catch (error) {
      if (!hasCode(error, ErrorCode.NodeExists)) throw error;
    }
  }
}

function participants(children: readonly string[]): string[] {
  return children.filter((name) => name !== readyName);
}
