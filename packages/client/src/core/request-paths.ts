// Which client paths a request names, and whether each is valid, so the session can fail a bad
// call with BadArguments before it is sent and name the path in every ZooError it raises.

import { CreateMode, assertNever, pathProblem } from '../protocol/index.js';
import type { Request } from '../protocol/index.js';

/** The path a ZooError for this request names (the first op's path for a multi). */
export function pathOfRequest(request: Request): string | undefined {
  // Every request type with a single `path` field names that path.
  if ('path' in request) return request.path ?? undefined;
  switch (request.type) {
    case 'getEphemerals':
      return request.prefixPath ?? undefined;
    case 'multi':
    case 'multiRead':
    case 'ping':
    case 'reconfig':
    case 'auth':
    case 'setWatches':
    case 'sasl':
    case 'whoAmI':
    case 'closeSession':
      return undefined;
    default:
      return assertNever(request, 'request');
  }
}

function isSequential(flags: number): boolean {
  return (
    flags === CreateMode.persistentSequential ||
    flags === CreateMode.ephemeralSequential ||
    flags === CreateMode.persistentSequentialWithTtl
  );
}

/**
 * The first invalid path in the request with the reason, or null. ZooKeeper validates on the
 * client (PathUtils.validatePath) for every path-taking call, multi ops included.
 */
export function invalidPathOf(request: Request): { path: string; problem: string } | null {
  const check = (
    path: string | null,
    sequential = false,
  ): { path: string; problem: string } | null => {
    // ZooKeeper's client: PathUtils.validatePath(null) — "Path cannot be null".
    if (path === null) return { path: '', problem: 'Path cannot be null' };
    const problem = pathProblem(path, sequential);
    return problem === null ? null : { path, problem };
  };
  switch (request.type) {
    case 'create':
      return check(request.path, isSequential(request.flags));
    case 'multi':
    case 'multiRead':
      for (const op of request.ops) {
        const sequential = op.type === 'create' && isSequential(op.flags);
        const invalid = check(op.path, sequential);
        if (invalid !== null) return invalid;
      }
      return null;
    case 'getEphemerals':
      return request.prefixPath === null ? null : check(request.prefixPath);
    default: {
      const path = pathOfRequest(request);
      return path === undefined ? null : check(path);
    }
  }
}
