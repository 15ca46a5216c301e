// A node this process holds (a lock, a read or write lock, a semaphore lease) and the handles
// given out for it. The hold is lost the moment the session is suspended (disconnected), ends
// or expires: its AbortSignal aborts with a LockLostError, and the node is deleted as soon as
// the client can (Curator's advice: after SUSPENDED one can no longer be sure one holds it).

import type { ClientEventName } from '../../api/client-events.js';
import type { ZooClient } from '../../api/zoo-client.js';
import './async-dispose.js';
import { LockLostError, type LockLossReason } from './lock-errors.js';
import { deleteOwnNode, type OwnNode } from './own-node.js';
import type { RecipeEnv } from '../support/recipe-env.js';

const lossReasons: ReadonlyArray<[ClientEventName, LockLossReason]> = [
  ['disconnected', 'suspended'],
  ['readOnly', 'suspended'],
  ['expired', 'expired'],
  ['closed', 'closed'],
  ['authFailed', 'closed'],
];

export class HeldNode {
  readonly node: OwnNode;
  private readonly client: ZooClient;
  private readonly env: RecipeEnv;
  private readonly controller = new AbortController();
  private readonly onEnd: () => void;
  private readonly unsubscribers: Array<() => void> = [];
  private holds = 0;
  private deletion: Promise<void> | null = null;

  constructor(options: { client: ZooClient; env: RecipeEnv; node: OwnNode; onEnd?: () => void }) {
    this.client = options.client;
    this.env = options.env;
    this.node = options.node;
    this.onEnd = options.onEnd ?? (() => undefined);
    for (const [event, reason] of lossReasons) {
      this.unsubscribers.push(this.client.on(event, () => this.lose(reason)));
    }
    // The session may have been suspended between the check that granted the node and now.
    if (this.client.state !== 'connected') this.lose('suspended');
  }

  /** True until released or lost. */
  get isHeld(): boolean {
    return this.deletion === null;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** One more handle for the node (a re-entrant acquire). */
  retain(): LockHandle {
    this.holds += 1;
    return new LockHandle(this);
  }

  /** One handle lets go; the last one deletes the node. Resolves once the node is gone. */
  releaseOne(): Promise<void> {
    if (this.deletion !== null) return this.deletion;
    this.holds -= 1;
    if (this.holds > 0) return Promise.resolve();
    return this.end();
  }

  private lose(reason: LockLossReason): void {
    if (this.deletion !== null) return;
    this.controller.abort(new LockLostError(this.node.path, reason));
    this.end().catch(() => undefined);
  }

  private end(): Promise<void> {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.deletion = deleteOwnNode(this.client, this.env, this.node.path);
    this.onEnd();
    return this.deletion;
  }
}

/**
 * What an acquire returns: the fencing token to hand to guarded resources, a signal that aborts
 * when the hold is lost, and release() — also run by `await using` when the scope ends.
 */
export class LockHandle implements AsyncDisposable {
  private readonly held: HeldNode;
  private isReleased = false;

  constructor(held: HeldNode) {
    this.held = held;
  }

  /** The lock node's creation zxid: larger for every later holder of the same lock. */
  get fencingToken(): bigint {
    return this.held.node.czxid;
  }

  get path(): string {
    return this.held.node.path;
  }

  /** Aborts (with a LockLostError) when the hold is lost; act on the resource only before. */
  get signal(): AbortSignal {
    return this.held.signal;
  }

  get isHeld(): boolean {
    return !this.isReleased && this.held.isHeld;
  }

  /** Lets go of this hold; resolves once the node is gone (the last hold of a re-entrant lock). */
  release(): Promise<void> {
    if (this.isReleased) return Promise.resolve();
    this.isReleased = true;
    return this.held.releaseOne();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
