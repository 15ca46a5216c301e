// A thin promise wrapper over npm `node-zookeeper-client` (callback API), so compatibility tests
// read top to bottom. It adds nothing to the wire traffic: every call is one client call.

import zookeeper from 'node-zookeeper-client';

export type Stat = zookeeper.Stat;
export type ZkEvent = zookeeper.Event;
export type TransactionResult = zookeeper.TransactionResult;

/** The ZooKeeper code carried by a node-zookeeper-client error (`undefined` if it has none). */
export function codeOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code: unknown = error.code;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

/** Resolves with the code of the rejection, or fails if the promise fulfils. */
export async function errorCode(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    return codeOf(error);
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

function settle<T>(
  resolve: (value: T) => void,
  reject: (error: unknown) => void,
): (error: zookeeper.ErrorArg, value: T) => void {
  return (error, value) => (error ? reject(error) : resolve(value));
}

/** One watcher callback and a promise of the first event it receives. */
export function watchOnce(): { watcher: zookeeper.Watcher; event: Promise<ZkEvent> } {
  let deliver: (event: ZkEvent) => void = () => undefined;
  const event = new Promise<ZkEvent>((resolve) => {
    deliver = resolve;
  });
  return { watcher: (received) => deliver(received), event };
}

/** Rejects after `ms` unless `promise` settles first. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class PromiseClient {
  readonly raw: zookeeper.Client;

  private constructor(raw: zookeeper.Client) {
    this.raw = raw;
  }

  /** Connects and resolves once the session is established (SyncConnected). */
  static async connect(
    connectString: string,
    options: zookeeper.ClientOptions = {},
  ): Promise<PromiseClient> {
    const raw = zookeeper.createClient(connectString, { retries: 0, spinDelay: 200, ...options });
    const connected = new Promise<void>((resolve, reject) => {
      raw.once('connected', () => resolve());
      raw.once('expired', () => reject(new Error('session expired while connecting')));
    });
    raw.connect();
    try {
      await within(connected, 10_000, `connection to ${connectString}`);
    } catch (error) {
      raw.close();
      throw error;
    }
    return new PromiseClient(raw);
  }

  get sessionId(): bigint {
    return this.raw.getSessionId().readBigInt64BE(0);
  }

  create(
    path: string,
    data: Buffer | null = null,
    options: { acls?: zookeeper.ACL[]; mode?: number } = {},
  ): Promise<string | undefined> {
    const acls = options.acls ?? zookeeper.ACL.OPEN_ACL_UNSAFE;
    const mode = options.mode ?? zookeeper.CreateMode.PERSISTENT;
    return new Promise((resolve, reject) => {
      this.raw.create(path, data, acls, mode, settle(resolve, reject));
    });
  }

  remove(path: string, version = -1): Promise<void> {
    return new Promise((resolve, reject) => {
      this.raw.remove(path, version, (error) => (error ? reject(error) : resolve()));
    });
  }

  setData(path: string, data: Buffer | null, version = -1): Promise<Stat | undefined> {
    return new Promise((resolve, reject) => {
      this.raw.setData(path, data, version, settle(resolve, reject));
    });
  }

  getData(
    path: string,
    watcher?: zookeeper.Watcher,
  ): Promise<{ data: Buffer | undefined; stat: Stat | undefined }> {
    return new Promise((resolve, reject) => {
      this.raw.getData(path, watcher, (error, data, stat) =>
        error ? reject(error) : resolve({ data, stat }),
      );
    });
  }

  exists(path: string, watcher?: zookeeper.Watcher): Promise<Stat | null | undefined> {
    return new Promise((resolve, reject) => {
      this.raw.exists(path, watcher, settle(resolve, reject));
    });
  }

  getChildren(
    path: string,
    watcher?: zookeeper.Watcher,
  ): Promise<{ children: string[]; stat: Stat | undefined }> {
    return new Promise((resolve, reject) => {
      this.raw.getChildren(path, watcher, (error, children, stat) =>
        error ? reject(error) : resolve({ children: children ?? [], stat }),
      );
    });
  }

  getACL(path: string): Promise<{ acls: zookeeper.ACL[]; stat: Stat | undefined }> {
    return new Promise((resolve, reject) => {
      this.raw.getACL(path, (error, acls, stat) =>
        error ? reject(error) : resolve({ acls: acls ?? [], stat }),
      );
    });
  }

  setACL(path: string, acls: zookeeper.ACL[], version = -1): Promise<Stat | undefined> {
    return new Promise((resolve, reject) => {
      this.raw.setACL(path, acls, version, settle(resolve, reject));
    });
  }

  /** Commits a multi; resolves with the first failing code (0 if none) and every result. */
  commit(
    build: (transaction: zookeeper.Transaction) => zookeeper.Transaction,
  ): Promise<{ err: number; results: TransactionResult[] }> {
    return new Promise((resolve, reject) => {
      build(this.raw.transaction()).commit((error, results) => {
        const code = error ? codeOf(error) : 0;
        return code === undefined ? reject(error) : resolve({ err: code, results: results ?? [] });
      });
    });
  }

  addAuthInfo(scheme: string, auth: string): void {
    this.raw.addAuthInfo(scheme, Buffer.from(auth));
  }

  /** Closes the session (closeSession) and waits until the socket is gone. */
  async close(): Promise<void> {
    const state = this.raw.getState();
    if (state !== zookeeper.State.SYNC_CONNECTED) {
      this.raw.close();
      return;
    }
    const disconnected = new Promise<void>((resolve) => this.raw.once('disconnected', resolve));
    this.raw.close();
    await within(disconnected, 5_000, 'session close').catch(() => undefined);
  }
}
