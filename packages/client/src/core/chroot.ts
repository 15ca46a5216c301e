// Maps between the paths the application uses and the paths the server sees when the connect
// string names a chroot: every request path is prefixed, every result and event path stripped.

import { assertNever } from '../protocol/index.js';
import type { MultiOpResult, Request, Response } from '../protocol/index.js';

export class Chroot {
  /** The chroot without a trailing slash, or null when paths pass through unchanged. */
  readonly prefix: string | null;

  constructor(prefix: string | null) {
    this.prefix = prefix === '/' ? null : prefix;
  }

  /** ZooKeeper: ZooKeeper.prependChroot — "/" maps to the chroot itself. */
  toServer(clientPath: string): string {
    if (this.prefix === null) return clientPath;
    return clientPath === '/' ? this.prefix : this.prefix + clientPath;
  }

  /**
   * ZooKeeper: ClientCnxn.EventThread strips the chroot from event paths. A path outside the
   * chroot (which a correct server never sends) is returned unchanged.
   */
  toClient(serverPath: string): string {
    const prefix = this.prefix;
    if (prefix === null) return serverPath;
    if (serverPath === prefix) return '/';
    if (serverPath.startsWith(prefix) && serverPath.charCodeAt(prefix.length) === 0x2f) {
      return serverPath.slice(prefix.length);
    }
    return serverPath;
  }

  /** True when a server path lies inside the chroot (events outside it are not ours). */
  contains(serverPath: string): boolean {
    const prefix = this.prefix;
    if (prefix === null) return true;
    return (
      serverPath === prefix ||
      (serverPath.startsWith(prefix) && serverPath.charCodeAt(prefix.length) === 0x2f)
    );
  }

  /** The request as the server must see it. Requests without paths are returned as they are. */
  requestToServer(request: Request): Request {
    if (this.prefix === null) return request;
    // Every request type with a single `path` field: the same one-field rewrite.
    if ('path' in request) {
      // A Jute null path (only a decoded request can carry one) has nothing to rewrite.
      return request.path === null ? request : { ...request, path: this.toServer(request.path) };
    }
    switch (request.type) {
      case 'multi':
        return {
          ...request,
          ops: request.ops.map((op) =>
            op.path === null ? op : { ...op, path: this.toServer(op.path) },
          ),
        };
      case 'multiRead':
        return {
          ...request,
          ops: request.ops.map((op) => ({ ...op, path: this.toServer(op.path) })),
        };
      case 'getEphemerals':
        return { ...request, prefixPath: this.toServer(request.prefixPath ?? '/') };
      case 'setWatches':
        return {
          ...request,
          dataWatches: request.dataWatches.map((p) => this.toServer(p)),
          existWatches: request.existWatches.map((p) => this.toServer(p)),
          childWatches: request.childWatches.map((p) => this.toServer(p)),
          persistentWatches: request.persistentWatches.map((p) => this.toServer(p)),
          persistentRecursiveWatches: request.persistentRecursiveWatches.map((p) =>
            this.toServer(p),
          ),
        };
      case 'ping':
      case 'reconfig':
      case 'auth':
      case 'sasl':
      case 'whoAmI':
      case 'closeSession':
        return request;
      default:
        return assertNever(request, 'request');
    }
  }

  /** The response with every server path turned back into a client path. */
  responseToClient(response: Response): Response {
    if (this.prefix === null) return response;
    switch (response.type) {
      case 'create':
        return { ...response, path: this.toClient(response.path) };
      case 'path':
        return response.path === null
          ? response
          : { ...response, path: this.toClient(response.path) };
      case 'ephemerals':
        // ZooKeeper: getEphemerals returns full server paths; only those inside the chroot are
        // addressable by this client, and they are shown relative to it.
        return {
          ...response,
          paths: response.paths.filter((p) => this.contains(p)).map((p) => this.toClient(p)),
        };
      case 'multi':
        return { ...response, results: response.results.map((r) => this.resultToClient(r)) };
      case 'stat':
      case 'getData':
      case 'getACL':
      case 'getChildren':
      case 'empty':
      case 'count':
      case 'addWatch':
      case 'whoAmI':
      case 'sasl':
        return response;
      default:
        return assertNever(response, 'response');
    }
  }

  private resultToClient(result: MultiOpResult): MultiOpResult {
    return result.type === 'create' ? { ...result, path: this.toClient(result.path) } : result;
  }
}
