// LeaderLatch: exactly one leader among the participants of a directory — the one whose node is
// first in line. A participant watches only the node before it; leadership passes on when the
// leader's node goes (close, or its session ends), and is given up the moment the leader's own
// session is suspended, to be taken again on reconnection if its node is still first.

import { ErrorCode, ZooError } from '../../protocol/index.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { createOwnNode, deleteOwnNode, type OwnNode } from '../lock/own-node.js';
import { sortContenders } from '../lock/protected-node.js';
import { nodeRecipeEnv, type RecipeEnv } from '../support/recipe-env.js';
import { isNoNode, isRecoverable } from '../lock/recoverable.js';
import { LeadershipEvents, type LeadershipEventName } from './leadership-events.js';

export interface LeaderLatchOptions {
  /** This participant's id, stored in its node (leaderId() reads it); '' by default. */
  id?: string;
  env?: RecipeEnv;
}

const latchPrefix = 'latch-';
/** Reads of the line leaderId() makes while leaders keep leaving under it. */
const leaderIdReadsMax = 16;

export class LeaderLatch {
  readonly path: string;
  readonly id: string;
  private readonly client: ZooClient;
  private readonly env: RecipeEnv;
  private readonly events: LeadershipEvents;
  private node: OwnNode | null = null;
  private leadership: AbortController | null = null;
  private state: 'idle' | 'started' | 'closed' = 'idle';
  private isChecking = false;
  private isCheckDue = false;
  private readonly unsubscribers: Array<() => void> = [];

  constructor(client: ZooClient, path: string, options: LeaderLatchOptions = {}) {
    this.client = client;
    this.path = path;
    this.id = options.id ?? '';
    this.env = options.env ?? nodeRecipeEnv();
    this.events = new LeadershipEvents(this.env);
  }

  get isLeader(): boolean {
    return this.leadership !== null;
  }

  /** The leader node's creation zxid while this participant leads: a fencing token. */
  get fencingToken(): bigint | null {
    return this.leadership === null ? null : (this.node?.czxid ?? null);
  }

  /** Aborts when leadership is lost; null while not leading. */
  get leadershipSignal(): AbortSignal | null {
    return this.leadership?.signal ?? null;
  }

  /** 'leader' when leadership is gained, 'notLeader' when lost, 'closed' once it ends. */
  on(event: LeadershipEventName, listener: (error?: unknown) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Joins the election; resolves once this participant's node is in line. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`latch ${this.path} was already started`);
    this.state = 'started';
    const { client } = this;
    this.unsubscribers.push(
      client.on('disconnected', () => this.setLeader(false)),
      client.on('readOnly', () => this.setLeader(false)),
      client.on('connected', () => this.check()),
      client.on('expired', () => void this.close()),
      client.on('closed', () => void this.close()),
      client.on('authFailed', () => void this.close()),
    );
    await this.join();
  }

  /** Resolves when this participant leads (at once if it does). */
  awaitLeadership(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    return this.events.until(() => this.isLeader, 'leader', { ...options, path: this.path });
  }

  /** The id of the current leader, read from the first node in line; null if there is none. */
  async leaderId(): Promise<string | null> {
    for (let attempt = 0; ; attempt += 1) {
      const names = await this.client.getChildren(this.path).catch((error: unknown) => {
        if (isNoNode(error)) return [];
        throw error;
      });
      const first = sortContenders(names, [latchPrefix])[0];
      if (first === undefined) return null;
      try {
        const { data } = await this.client.getData(`${this.path}/${first.name}`);
        return data?.toString('utf8') ?? '';
      } catch (error) {
        // The leader just left: read the line again, a bounded number of times.
        if (!isNoNode(error) || attempt >= leaderIdReadsMax) throw error;
      }
    }
  }

  /** Leaves the election: gives up leadership and deletes the node. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.setLeader(false);
    const node = this.node;
    this.node = null;
    this.events.emit('closed');
    if (node !== null) await deleteOwnNode(this.client, this.env, node.path);
  }

  private async join(): Promise<void> {
    const spec = { dir: this.path, prefix: latchPrefix, data: this.id };
    const node = await createOwnNode(this.client, this.env, spec);
    if (this.state === 'closed') {
      await deleteOwnNode(this.client, this.env, node.path);
      return;
    }
    this.node = node;
    this.check();
  }

  /** Runs one check at a time; a check asked for meanwhile runs right after. */
  private check(): void {
    if (this.state !== 'started' || this.node === null) return;
    if (this.isChecking) {
      this.isCheckDue = true;
      return;
    }
    this.isChecking = true;
    this.checkOnce()
      .catch((error: unknown) => this.onCheckFailed(error))
      .finally(() => {
        this.isChecking = false;
        if (this.isCheckDue) {
          this.isCheckDue = false;
          this.check();
        }
      });
  }

  /** Leads if first in line; otherwise watches the node just before its own. */
  private async checkOnce(): Promise<void> {
    const node = this.node;
    if (node === null) return;
    if (this.client.sessionId !== node.sessionId) throw new ZooError(ErrorCode.SessionExpired);
    const contenders = sortContenders(await this.client.getChildren(this.path), [latchPrefix]);
    const index = contenders.findIndex((contender) => contender.name === node.name);
    if (index < 0) {
      // Someone deleted our node: join again, at the back of the line.
      this.setLeader(false);
      this.node = null;
      await this.join();
      return;
    }
    const before = contenders[index - 1];
    if (before === undefined) {
      this.setLeader(this.client.state === 'connected');
      return;
    }
    this.setLeader(false);
    const watch = (): void => this.check();
    try {
      await this.client.getData(`${this.path}/${before.name}`, { watch });
    } catch (error) {
      if (!isNoNode(error)) throw error;
      this.isCheckDue = true;
    }
  }

  private onCheckFailed(error: unknown): void {
    // A lost connection is picked up again by the 'connected' listener; anything else ends it.
    if (isRecoverable(error)) return;
    this.events.fail(error);
    void this.close();
  }

  private setLeader(isLeader: boolean): void {
    if (isLeader === this.isLeader) return;
    if (isLeader) {
      this.leadership = new AbortController();
      this.events.emit('leader');
      return;
    }
    const leadership = this.leadership;
    this.leadership = null;
    leadership?.abort(new Error(`leadership of ${this.path} lost`));
    this.events.emit('notLeader');
  }
}
