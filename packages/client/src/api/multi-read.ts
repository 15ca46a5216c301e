// multiRead: several getData / getChildren reads in one round trip. Each op succeeds or fails
// on its own (no atomicity, no watches), so errors come back as values.

import { ZooError, assert } from '../protocol/index.js';
import type { MultiReadOp, Response, Stat } from '../protocol/index.js';

export type ReadOp = { type: 'getData'; path: string } | { type: 'getChildren'; path: string };

export type ReadResult =
  | { type: 'getData'; data: Buffer | null; stat: Stat }
  | { type: 'getChildren'; children: string[] }
  | { type: 'error'; error: ZooError };

export function multiReadOpOf(op: ReadOp): MultiReadOp {
  return op.type === 'getData'
    ? { type: 'getData', path: op.path, watch: false }
    : { type: 'getChildren', path: op.path, watch: false, withStat: false };
}

export function readResultsOf(ops: readonly ReadOp[], response: Response): ReadResult[] {
  assert(response.type === 'multi', () => `multiRead answered with ${response.type}`);
  return response.results.map((result, index): ReadResult => {
    const path = ops[index]?.path;
    switch (result.type) {
      case 'getData':
        return { type: 'getData', data: result.data, stat: result.stat };
      case 'getChildren':
        return { type: 'getChildren', children: result.children };
      case 'error':
        return { type: 'error', error: new ZooError(result.err, path) };
      default:
        return { type: 'error', error: new ZooError(-5, path) };
    }
  });
}
