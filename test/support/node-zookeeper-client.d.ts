// Types for the part of npm `node-zookeeper-client` 1.1.3 (plain JS, callback API) that the
// compatibility tests use. Written from its index.js and lib/*.js; longs arrive as 8-byte Buffers.

declare module 'node-zookeeper-client' {
  import type { EventEmitter } from 'node:events';

  namespace zookeeper {
    interface Stat {
      czxid: Buffer;
      mzxid: Buffer;
      ctime: Buffer;
      mtime: Buffer;
      version: number;
      cversion: number;
      aversion: number;
      ephemeralOwner: Buffer;
      dataLength: number;
      numChildren: number;
      pzxid: Buffer;
    }

    class Id {
      constructor(scheme: string, id: string);
      scheme: string;
      id: string;
      static ANYONE_ID_UNSAFE: Id;
      static AUTH_IDS: Id;
    }

    class ACL {
      constructor(permission: number, id: Id);
      permission: number;
      id: Id;
      static OPEN_ACL_UNSAFE: ACL[];
      static CREATOR_ALL_ACL: ACL[];
      static READ_ACL_UNSAFE: ACL[];
    }

    interface Exception extends Error {
      code: number;
      path?: string;
      getCode(): number;
      getName(): string;
      getPath(): string | undefined;
    }

    interface Event {
      type: number;
      name: string;
      path: string;
      getType(): number;
      getName(): string;
      getPath(): string;
    }

    interface State {
      name: string;
      code: number;
    }

    type ErrorArg = Exception | Error | null | undefined;
    type Watcher = (event: Event) => void;

    interface TransactionResult {
      type: number;
      path?: string;
      stat?: Stat;
      err?: number;
    }

    class Transaction {
      create(path: string, data?: Buffer | null, acls?: ACL[], mode?: number): Transaction;
      check(path: string, version: number): Transaction;
      setData(path: string, data: Buffer | null, version?: number): Transaction;
      remove(path: string, version?: number): Transaction;
      commit(callback: (error: ErrorArg, results: TransactionResult[] | undefined) => void): void;
    }

    interface ClientOptions {
      sessionTimeout?: number;
      spinDelay?: number;
      retries?: number;
      sessionId?: Buffer;
      sessionPassword?: Buffer;
    }

    class Client extends EventEmitter {
      connect(): void;
      close(): void;
      getState(): State;
      getSessionId(): Buffer;
      getSessionPassword(): Buffer;
      getSessionTimeout(): number;
      addAuthInfo(scheme: string, auth: Buffer): void;
      create(
        path: string,
        data: Buffer | null,
        acls: ACL[],
        mode: number,
        callback: (error: ErrorArg, path: string | undefined) => void,
      ): void;
      remove(path: string, version: number, callback: (error: ErrorArg) => void): void;
      setData(
        path: string,
        data: Buffer | null,
        version: number,
        callback: (error: ErrorArg, stat: Stat | undefined) => void,
      ): void;
      getData(
        path: string,
        watcher: Watcher | undefined,
        callback: (error: ErrorArg, data: Buffer | undefined, stat: Stat | undefined) => void,
      ): void;
      exists(
        path: string,
        watcher: Watcher | undefined,
        callback: (error: ErrorArg, stat: Stat | null | undefined) => void,
      ): void;
      getChildren(
        path: string,
        watcher: Watcher | undefined,
        callback: (error: ErrorArg, children: string[] | undefined, stat: Stat | undefined) => void,
      ): void;
      getACL(
        path: string,
        callback: (error: ErrorArg, acls: ACL[] | undefined, stat: Stat | undefined) => void,
      ): void;
      setACL(
        path: string,
        acls: ACL[],
        version: number,
        callback: (error: ErrorArg, stat: Stat | undefined) => void,
      ): void;
      mkdirp(path: string, callback: (error: ErrorArg, path: string | undefined) => void): void;
      transaction(): Transaction;
    }

    function createClient(connectionString: string, options?: ClientOptions): Client;

    const Permission: {
      READ: 1;
      WRITE: 2;
      CREATE: 4;
      DELETE: 8;
      ADMIN: 16;
      ALL: 31;
    };
    const CreateMode: {
      PERSISTENT: 0;
      EPHEMERAL: 1;
      PERSISTENT_SEQUENTIAL: 2;
      EPHEMERAL_SEQUENTIAL: 3;
    };
    const State: {
      DISCONNECTED: State;
      SYNC_CONNECTED: State;
      AUTH_FAILED: State;
      CONNECTED_READ_ONLY: State;
      SASL_AUTHENTICATED: State;
      EXPIRED: State;
    };
    const Event: {
      NODE_CREATED: 1;
      NODE_DELETED: 2;
      NODE_DATA_CHANGED: 3;
      NODE_CHILDREN_CHANGED: 4;
    };
    const Exception: {
      OK: 0;
      NO_NODE: -101;
      NO_AUTH: -102;
      BAD_VERSION: -103;
      NODE_EXISTS: -110;
      NOT_EMPTY: -111;
      SESSION_EXPIRED: -112;
      INVALID_ACL: -114;
      RUNTIME_INCONSISTENCY: -2;
    };
  }

  export = zookeeper;
}
