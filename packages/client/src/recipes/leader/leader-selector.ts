// LeaderSelector: runs a task while this participant leads and gives leadership up when the
// task returns. The task gets an AbortSignal that aborts when leadership is lost (session
// suspended or ended) or the selector closes, and the fencing token of its term. With
// autoRequeue it queues again after each term. Curator: LeaderSelector.

import type { ZooClient } from '../../api/zoo-client.js';
import type { LockHandle } from '../lock/held-node.js';
import { Lock } from '../lock/lock.js';
import { nodeRecipeEnv, type RecipeEnv } from '../support/recipe-env.js';
import { LeadershipEvents, type LeadershipEventName } from './leadership-events.js';

export interface LeadershipContext {
  /** Aborts when leadership is lost or the selector closes: stop acting as leader at once. */
  signal: AbortSignal;
  /** Larger for every later term: hand it to resources that must reject a stale leader. */
  fencingToken: bigint;
}

export type LeaderTask = (context: LeadershipContext) => Promise<void>;

export interface LeaderSelectorOptions {
  /** This participant's id, stored in its node. */
  id?: string;
  /** Queue again after each term (default false: call requeue()). */
  autoRequeue?: boolean;
  env?: RecipeEnv;
}

export class LeaderSelector {
  readonly path: string;
  private readonly task: LeaderTask;
  private readonly lock: Lock;
  private readonly isAutoRequeue: boolean;
  private readonly events: LeadershipEvents;
  private readonly closing = new AbortController();
  private running: Promise<void> | null = null;
  private term: AbortController | null = null;

  constructor(
    client: ZooClient,
    path: string,
    task: LeaderTask,
    options: LeaderSelectorOptions = {},
  ) {
    const env = options.env ?? nodeRecipeEnv();
    this.path = path;
    this.task = task;
    this.lock = new Lock(client, path, { env, data: options.id ?? '' });
    this.isAutoRequeue = options.autoRequeue === true;
    this.events = new LeadershipEvents(env);
  }

  get isLeader(): boolean {
    return this.term !== null;
  }

  /** True while queued or leading. */
  get isQueued(): boolean {
    return this.running !== null;
  }

  /** The last error that stopped the selector or that a task threw, if any. */
  get lastError(): unknown {
    return this.events.lastError;
  }

  /** 'leader' as a term starts, 'notLeader' as it ends, 'error' for a failure, 'closed'. */
  on(event: LeadershipEventName, listener: (error?: unknown) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Joins the queue. */
  start(): void {
    if (!this.requeue()) throw new Error(`selector ${this.path} is already queued or closed`);
  }

  /** Joins the queue again unless queued, leading or closed; says whether it did. */
  requeue(): boolean {
    if (this.running !== null || this.closing.signal.aborted) return false;
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return true;
  }

  /** Leaves the queue, aborts a running task and waits for it to return. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(new Error(`selector ${this.path} closed`));
    await this.running;
    this.events.emit('closed');
  }

  private async run(): Promise<void> {
    try {
      do {
        const handle = await this.lock.acquire({ signal: this.closing.signal });
        await this.lead(handle);
      } while (this.isAutoRequeue && !this.closing.signal.aborted);
    } catch (error) {
      if (!this.closing.signal.aborted) this.events.fail(error);
    }
  }

  /** One term: runs the task, then gives leadership up however the task ended. */
  private async lead(handle: LockHandle): Promise<void> {
    const term = new AbortController();
    const end = (): void => term.abort(handle.signal.reason ?? this.closing.signal.reason);
    handle.signal.addEventListener('abort', end);
    this.closing.signal.addEventListener('abort', end);
    if (handle.signal.aborted) end();
    this.term = term;
    this.events.emit('leader');
    try {
      await this.task({ signal: term.signal, fencingToken: handle.fencingToken });
    } catch (error) {
      // The task's failure ends its term; the selector itself carries on (and may requeue).
      if (!term.signal.aborted) this.events.fail(error);
    } finally {
      this.term = null;
      handle.signal.removeEventListener('abort', end);
      this.closing.signal.removeEventListener('abort', end);
      term.abort(new Error(`the leader task of ${this.path} returned`));
      this.events.emit('notLeader');
      await handle.release();
    }
  }
}
