// The promise client: one method per ZooKeeper operation, typed results, ZooError on failure,
// watches as callbacks. Every call is pipelined; replies and watch events arrive in wire order.

import { ErrorCode, ZooError, assert } from '../protocol/index.js';
import type { Acl, ClientInfo, Request, Response, Stat } from '../protocol/index.js';
import type { SessionState } from '../core/session-types.js';
import type { ClientEventListener, ClientEventName } from './client-events.js';
import { createRequestOf, toData } from './create-request.js';
import type { CreateOptions, ZnodeData } from './create-request.js';
import { multiReadOpOf, readResultsOf } from './multi-read.js';
import type { ReadOp, ReadResult } from './multi-read.js';
import type { DriverCall, SessionDriver, WatchListener } from './session-driver.js';
import { Transaction, multiOpOf, transactionResultsOf } from './transaction.js';
import type { TransactionOp, TransactionResult } from './transaction.js';

export interface WatchOptions {
  /** A one-shot listener armed by this read (ZooKeeper: the Watcher argument). */
  watch?: WatchListener;
}

export interface DataResult {
  data: Buffer | null;
  stat: Stat;
}

export interface AclResult {
  acl: Acl[];
  stat: Stat;
}

export interface ChildrenResult {
  children: string[];
  stat: Stat;
}

export interface RemoveWatchesOptions {
  /** Remove only this listener (sent as checkWatches); all of the type when absent. */
  listener?: WatchListener;
  /** Remove locally without asking the server (ZooKeeper: the `local` flag). */
  local?: boolean;
}

function expect<K extends Response['type']>(
  response: Response,
  type: K,
): Extract<Response, { type: K }> {
  assert(response.type === type, () => `expected a ${type} response, got ${response.type}`);
  return response as Extract<Response, { type: K }>;
}

export class ZooClient {
  private readonly driver: SessionDriver;

  constructor(driver: SessionDriver) {
    this.driver = driver;
  }

  get state(): SessionState {
    return this.driver.session.state;
  }

  /** 0 until the first connection is established. */
  get sessionId(): bigint {
    return this.driver.session.sessionId;
  }

  /** With sessionId, lets another client resume this session (options.session). */
  get sessionPasswd(): Buffer {
    return this.driver.session.passwd;
  }

  get negotiatedTimeoutMs(): number {
    return this.driver.session.negotiatedTimeoutMs;
  }

  /** The highest zxid this session has seen; it never goes backwards. */
  get lastZxidSeen(): bigint {
    return this.driver.session.lastZxidSeen;
  }

  on(event: ClientEventName, listener: ClientEventListener): () => void {
    return this.driver.events.on(event, listener);
  }

  off(event: ClientEventName, listener: ClientEventListener): void {
    this.driver.events.off(event, listener);
  }

  /** Resolves once connected (at once if already); rejects if the session ends first. */
  ready(): Promise<void> {
    const state = this.state;
    if (state === 'connected' || state === 'connectedReadOnly') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const offs: Array<() => void> = [];
      const settle = (error: ZooError | null): void => {
        for (const off of offs) off();
        if (error === null) resolve();
        else reject(error);
      };
      offs.push(this.on('connected', () => settle(null)));
      offs.push(this.on('readOnly', () => settle(null)));
      offs.push(this.on('expired', () => settle(new ZooError(ErrorCode.SessionExpired))));
      offs.push(this.on('authFailed', () => settle(new ZooError(ErrorCode.AuthFailed))));
      offs.push(this.on('closed', () => settle(new ZooError(ErrorCode.ConnectionLoss))));
      if (this.state === 'closed' || this.state === 'expired' || this.state === 'authFailed') {
        settle(new ZooError(ErrorCode.SessionExpired));
      }
    });
  }

  /** Creates a znode and resolves with its actual path (with any sequential suffix). */
  async create(path: string, data?: ZnodeData, options?: CreateOptions): Promise<string> {
    const request = createRequestOf({ path, data, create: options, withStat: false });
    return expect(await this.call({ request }), 'create').path;
  }

  /** Like create, also returning the new node's stat (create2, or the container/TTL op). */
  async createWithStat(
    path: string,
    data?: ZnodeData,
    options?: CreateOptions,
  ): Promise<{ path: string; stat: Stat }> {
    const request = createRequestOf({ path, data, create: options, withStat: true });
    const response = expect(await this.call({ request }), 'create');
    assert(response.stat !== null, 'create2 answered without a stat');
    return { path: response.path, stat: response.stat };
  }

  /** Deletes a znode; version −1 matches any version. */
  async delete(path: string, version = -1): Promise<void> {
    await this.call({ request: { type: 'delete', path, version } });
  }

  /** The node's stat, or null if it does not exist (a watch is armed either way). */
  async exists(path: string, options?: WatchOptions): Promise<Stat | null> {
    const request: Request = { type: 'exists', path, watch: options?.watch !== undefined };
    try {
      return expect(await this.call(withWatch(request, options)), 'stat').stat;
    } catch (error) {
      if (error instanceof ZooError && error.code === ErrorCode.NoNode) return null;
      throw error;
    }
  }

  async getData(path: string, options?: WatchOptions): Promise<DataResult> {
    const request: Request = { type: 'getData', path, watch: options?.watch !== undefined };
    const response = expect(await this.call(withWatch(request, options)), 'getData');
    return { data: response.data, stat: response.stat };
  }

  async setData(path: string, data: ZnodeData, version = -1): Promise<Stat> {
    const request: Request = { type: 'setData', path, data: toData(data), version };
    return expect(await this.call({ request }), 'stat').stat;
  }

  async getACL(path: string): Promise<AclResult> {
    const response = expect(await this.call({ request: { type: 'getACL', path } }), 'getACL');
    return { acl: response.acl, stat: response.stat };
  }

  /** Replaces the ACL; version is compared with the node's aversion (−1 matches any). */
  async setACL(path: string, acl: readonly Acl[], version = -1): Promise<Stat> {
    const request: Request = { type: 'setACL', path, acl: [...acl], version };
    return expect(await this.call({ request }), 'stat').stat;
  }

  /** Child names (not full paths), in the server's unspecified order. */
  async getChildren(path: string, options?: WatchOptions): Promise<string[]> {
    return (await this.children(path, options, false)).children;
  }

  async getChildrenWithStat(path: string, options?: WatchOptions): Promise<ChildrenResult> {
    const response = await this.children(path, options, true);
    assert(response.stat !== null, 'getChildren2 answered without a stat');
    return { children: response.children, stat: response.stat };
  }

  /** The number of all descendants of the node, not counting the node itself. */
  async getAllChildrenNumber(path: string): Promise<number> {
    const request: Request = { type: 'getAllChildrenNumber', path };
    return expect(await this.call({ request }), 'count').total;
  }

  /** This session's ephemeral nodes whose path starts with the prefix. */
  async getEphemerals(prefixPath = '/'): Promise<string[]> {
    const request: Request = { type: 'getEphemerals', prefixPath };
    return expect(await this.call({ request }), 'ephemerals').paths;
  }

  /** Waits until the server this client talks to has caught up with the leader. */
  async sync(path: string): Promise<void> {
    await this.call({ request: { type: 'sync', path } });
  }

  /** A persistent (mode 0) or persistent-recursive (mode 1) watch; AddWatchMode holds both. */
  async addWatch(path: string, mode: number, listener: WatchListener): Promise<void> {
    await this.call({ request: { type: 'addWatch', path, mode }, watcher: listener });
  }

  /**
   * Removes watches of a WatcherType on a path: all of them, or one listener. Each removed
   * listener hears a DataWatchRemoved / ChildWatchRemoved / PersistentWatchRemoved event.
   */
  async removeWatches(
    path: string,
    watcherType: number,
    options?: RemoveWatchesOptions,
  ): Promise<void> {
    const listener = options?.listener;
    const call: DriverCall =
      listener === undefined
        ? { request: { type: 'removeWatches', path, watcherType } }
        : { request: { type: 'checkWatches', path, watcherType }, watcher: listener };
    if (options?.local === true) call.local = true;
    await this.call(call);
  }

  /** Asks the server whether this connection holds a watch of the type (NoWatcher if not). */
  async checkWatches(path: string, watcherType: number): Promise<void> {
    await this.call({ request: { type: 'checkWatches', path, watcherType } });
  }

  transaction(): Transaction {
    return new Transaction((ops) => this.multi(ops));
  }

  /** Applies all ops atomically or none; rejects with TransactionError on the first failure. */
  async multi(ops: readonly TransactionOp[]): Promise<TransactionResult[]> {
    const request: Request = { type: 'multi', ops: ops.map(multiOpOf) };
    return transactionResultsOf(ops, await this.call({ request }));
  }

  async multiRead(ops: readonly ReadOp[]): Promise<ReadResult[]> {
    const request: Request = { type: 'multiRead', ops: ops.map(multiReadOpOf) };
    return readResultsOf(ops, await this.call({ request }));
  }

  /** The identities this connection is authenticated as (ip, digest user, …). */
  async whoAmI(): Promise<ClientInfo[]> {
    return expect(await this.call({ request: { type: 'whoAmI' } }), 'whoAmI').clientInfo;
  }

  /** Adds credentials (e.g. 'digest', 'user:password'), re-sent after every reconnect. */
  addAuth(scheme: string, auth: Buffer | string): Promise<void> {
    const bytes = typeof auth === 'string' ? Buffer.from(auth, 'utf8') : auth;
    return this.driver.addAuth(scheme, bytes);
  }

  /** Closes the session: the server deletes its ephemerals at once. Never rejects. */
  close(): Promise<void> {
    return this.driver.close();
  }

  private async children(
    path: string,
    options: WatchOptions | undefined,
    withStat: boolean,
  ): Promise<Extract<Response, { type: 'getChildren' }>> {
    const watch = options?.watch !== undefined;
    const request: Request = { type: 'getChildren', path, watch, withStat };
    return expect(await this.call(withWatch(request, options)), 'getChildren');
  }

  private call(call: DriverCall): Promise<Response> {
    return this.driver.call(call);
  }
}

function withWatch(request: Request, options: WatchOptions | undefined): DriverCall {
  const watch = options?.watch;
  return watch === undefined ? { request } : { request, watcher: watch };
}
