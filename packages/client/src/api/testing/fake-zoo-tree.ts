// The data tree of FakeZooServer, a test double for the client's API tests: znodes with stats,
// sequential/ephemeral/container/TTL creates, versions, multi. Simplified ZooKeeper semantics
// (no ACL enforcement, no quotas); the Apache integration test checks the real thing.

import { ErrorCode, EventType } from '../../protocol/index.js';
import type {
  Acl,
  MultiOp,
  MultiOpResult,
  MultiReadOp,
  RequestAcl,
  Request,
  Response,
  Stat,
} from '../../protocol/index.js';

interface Znode {
  data: Buffer | null;
  acl: Acl[];
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ctimeMs: bigint;
  mtimeMs: bigint;
  version: number;
  aversion: number;
  childCreates: number;
  ephemeralOwner: bigint;
  children: Set<string>;
}

export interface TreeEvent {
  type: number;
  path: string;
}

export interface TreeResult {
  err: number;
  body: Response | null;
  events: TreeEvent[];
}

class OpFailure extends Error {
  constructor(readonly code: number) {
    super(`op failed with ${code}`);
  }
}

const parentOf = (path: string): string => {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
};

export class FakeZooTree {
  zxid = 0n;
  private nodes = new Map<string, Znode>();

  constructor() {
    this.nodes.set('/', this.newNode({ data: Buffer.alloc(0), acl: [], owner: 0n }));
  }

  /** Ephemeral paths owned by a session (for close and expiry). */
  ephemeralsOf(sessionId: bigint): string[] {
    const owned = [...this.nodes.entries()].filter(([, n]) => n.ephemeralOwner === sessionId);
    return owned.map(([path]) => path);
  }

  node(path: string): { mzxid: bigint; pzxid: bigint } | undefined {
    return this.nodes.get(path);
  }

  /** Deletes every ephemeral of the session with one zxid, as a closeSession txn does. */
  closeSession(sessionId: bigint): TreeEvent[] {
    this.zxid += 1n;
    const events: TreeEvent[] = [];
    for (const path of this.ephemeralsOf(sessionId).sort().reverse()) {
      events.push(...this.deleteNode(path));
    }
    return events;
  }

  apply(request: Request, sessionId: bigint): TreeResult {
    const events: TreeEvent[] = [];
    try {
      const body = this.execute(request, sessionId, events);
      return { err: ErrorCode.Ok, body, events };
    } catch (error) {
      if (error instanceof OpFailure) return { err: error.code, body: null, events: [] };
      throw error;
    }
  }

  private execute(request: Request, sessionId: bigint, events: TreeEvent[]): Response {
    switch (request.type) {
      case 'create':
      case 'delete':
      case 'setData':
      case 'setACL':
        this.zxid += 1n;
        return this.write(request, sessionId, events);
      case 'multi':
        this.zxid += 1n;
        return this.multi(request.ops, sessionId, events);
      case 'exists':
        return { type: 'stat', stat: this.statOf(request.path) };
      case 'getData':
        return {
          type: 'getData',
          data: this.get(request.path).data,
          stat: this.statOf(request.path),
        };
      case 'getACL':
        return { type: 'getACL', acl: this.get(request.path).acl, stat: this.statOf(request.path) };
      case 'getChildren': {
        const children = [...this.get(request.path).children];
        const stat = request.withStat ? this.statOf(request.path) : null;
        return { type: 'getChildren', children, stat };
      }
      case 'multiRead':
        return { type: 'multi', results: request.ops.map((op) => this.readOp(op, sessionId)) };
      case 'sync':
        return { type: 'path', path: request.path };
      case 'getAllChildrenNumber':
        this.get(request.path);
        return { type: 'count', total: this.descendants(request.path) };
      case 'getEphemerals': {
        const prefix = request.prefixPath ?? '/';
        const paths = this.ephemeralsOf(sessionId).filter((p) => p.startsWith(prefix));
        return { type: 'ephemerals', paths };
      }
      default:
        throw new OpFailure(ErrorCode.Unimplemented);
    }
  }

  private write(request: MultiOp | Request, sessionId: bigint, events: TreeEvent[]): Response {
    switch (request.type) {
      case 'create': {
        const path = this.create(request, sessionId, events);
        const stat = request.variant === 'create' ? null : this.statOf(path);
        return { type: 'create', path, stat };
      }
      case 'delete': {
        const node = this.get(request.path);
        if (request.path === '/') throw new OpFailure(ErrorCode.BadArguments);
        if (request.version !== -1 && request.version !== node.version) {
          throw new OpFailure(ErrorCode.BadVersion);
        }
        if (node.children.size > 0) throw new OpFailure(ErrorCode.NotEmpty);
        events.push(...this.deleteNode(request.path));
        return { type: 'empty' };
      }
      case 'setData': {
        const path = presentPath(request.path);
        const node = this.checkVersion(path, request.version);
        node.data = request.data;
        node.version += 1;
        node.mzxid = this.zxid;
        events.push({ type: EventType.nodeDataChanged, path });
        return { type: 'stat', stat: this.statOf(path) };
      }
      case 'setACL': {
        const path = presentPath(request.path);
        const node = this.get(path);
        if (request.version !== -1 && request.version !== node.aversion) {
          throw new OpFailure(ErrorCode.BadVersion);
        }
        if (request.acl.length === 0) throw new OpFailure(ErrorCode.InvalidAcl);
        node.acl = storedAcl(request.acl);
        node.aversion += 1;
        return { type: 'stat', stat: this.statOf(path) };
      }
      case 'check':
        this.checkVersion(request.path, request.version);
        return { type: 'empty' };
      default:
        throw new OpFailure(ErrorCode.Unimplemented);
    }
  }

  private create(
    request: Extract<MultiOp, { type: 'create' }>,
    sessionId: bigint,
    events: TreeEvent[],
  ): string {
    if (request.flags < 0 || request.flags > 6) throw new OpFailure(ErrorCode.BadArguments);
    if (request.acl.length === 0) throw new OpFailure(ErrorCode.InvalidAcl);
    const parentPath = parentOf(request.path);
    const parent = this.nodes.get(parentPath);
    if (parent === undefined) throw new OpFailure(ErrorCode.NoNode);
    const sequential = request.flags === 2 || request.flags === 3 || request.flags === 6;
    const path = sequential
      ? `${request.path}${String(parent.childCreates).padStart(10, '0')}`
      : request.path;
    if (this.nodes.has(path)) throw new OpFailure(ErrorCode.NodeExists);
    if (parent.ephemeralOwner !== 0n) throw new OpFailure(ErrorCode.NoChildrenForEphemerals);
    const ephemeral = request.flags === 1 || request.flags === 3;
    const owner = ephemeral ? sessionId : 0n;
    const node = this.newNode({ data: request.data, acl: storedAcl(request.acl), owner });
    this.nodes.set(path, node);
    parent.children.add(path.slice(parentPath === '/' ? 1 : parentPath.length + 1));
    parent.childCreates += 1;
    parent.pzxid = this.zxid;
    events.push({ type: EventType.nodeCreated, path });
    events.push({ type: EventType.nodeChildrenChanged, path: parentPath });
    return path;
  }

  private deleteNode(path: string): TreeEvent[] {
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath);
    this.nodes.delete(path);
    if (parent !== undefined) {
      parent.children.delete(path.slice(parentPath === '/' ? 1 : parentPath.length + 1));
      parent.pzxid = this.zxid;
    }
    return [
      { type: EventType.nodeDeleted, path },
      { type: EventType.nodeChildrenChanged, path: parentPath },
    ];
  }

  /** All or nothing: ops run on a copy, kept only if every op succeeds. */
  private multi(ops: MultiOp[], sessionId: bigint, events: TreeEvent[]): Response {
    const saved = this.copyNodes();
    const results: MultiOpResult[] = [];
    const pending: TreeEvent[] = [];
    for (const [index, op] of ops.entries()) {
      try {
        const response = this.write(op, sessionId, pending);
        results.push(this.multiResultOf(op, response));
      } catch (error) {
        if (!(error instanceof OpFailure)) throw error;
        this.nodes = saved;
        const failed = ops.map((_, i): MultiOpResult => ({
          type: 'error',
          err: i < index ? ErrorCode.Ok : i === index ? error.code : ErrorCode.RuntimeInconsistency,
        }));
        return { type: 'multi', results: failed };
      }
    }
    events.push(...pending);
    return { type: 'multi', results };
  }

  private multiResultOf(op: MultiOp, response: Response): MultiOpResult {
    if (response.type === 'create') return response;
    if (response.type === 'stat') return { type: 'setData', stat: response.stat };
    return { type: op.type === 'check' ? 'check' : 'delete' };
  }

  private readOp(op: MultiReadOp, sessionId: bigint): MultiOpResult {
    const result = this.apply({ ...op, watch: false }, sessionId);
    if (result.err !== ErrorCode.Ok || result.body === null) {
      return { type: 'error', err: result.err };
    }
    if (result.body.type === 'getData' || result.body.type === 'getChildren') return result.body;
    return { type: 'error', err: ErrorCode.MarshallingError };
  }

  private copyNodes(): Map<string, Znode> {
    const copy = new Map<string, Znode>();
    for (const [path, node] of this.nodes) {
      copy.set(path, { ...node, children: new Set(node.children) });
    }
    const saved = this.nodes;
    this.nodes = copy;
    return saved;
  }

  private get(path: string): Znode {
    const node = this.nodes.get(path);
    if (node === undefined) throw new OpFailure(ErrorCode.NoNode);
    return node;
  }

  private checkVersion(path: string, version: number): Znode {
    const node = this.get(path);
    if (version !== -1 && version !== node.version) throw new OpFailure(ErrorCode.BadVersion);
    return node;
  }

  private descendants(path: string): number {
    const prefix = path === '/' ? '/' : `${path}/`;
    return [...this.nodes.keys()].filter((p) => p !== path && p.startsWith(prefix)).length;
  }

  private statOf(path: string): Stat {
    const node = this.get(path);
    return {
      czxid: node.czxid,
      mzxid: node.mzxid,
      ctime: node.ctimeMs,
      mtime: node.mtimeMs,
      version: node.version,
      cversion: 2 * node.childCreates - node.children.size,
      aversion: node.aversion,
      ephemeralOwner: node.ephemeralOwner,
      dataLength: node.data?.length ?? 0,
      numChildren: node.children.size,
      pzxid: node.pzxid,
    };
  }

  private newNode(options: { data: Buffer | null; acl: Acl[]; owner: bigint }): Znode {
    return {
      data: options.data,
      acl: options.acl,
      czxid: this.zxid,
      mzxid: this.zxid,
      pzxid: this.zxid,
      ctimeMs: 0n,
      mtimeMs: 0n,
      version: 0,
      aversion: 0,
      childCreates: 0,
      ephemeralOwner: options.owner,
      children: new Set(),
    };
  }
}

/** The fake keeps ACLs as given; an entry with a null scheme or id is refused as InvalidACL. */
function storedAcl(acl: readonly RequestAcl[]): Acl[] {
  return acl.map((entry) => {
    const { scheme, id } = entry.id;
    if (scheme === null || id === null) throw new OpFailure(ErrorCode.InvalidAcl);
    return { perms: entry.perms, id: { scheme, id } };
  });
}

/** The fake answers a Jute null path as ZooKeeper's path validation does: BadArguments. */
function presentPath(path: string | null): string {
  if (path === null) throw new OpFailure(ErrorCode.BadArguments);
  return path;
}
