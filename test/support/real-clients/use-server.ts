// Starts one target server (Apache ZooKeeper or Zoo) for a describe block in beforeAll and
// stops it in afterAll, for suites whose clients are external programs, not node clients.

import { afterAll, beforeAll } from 'vitest';
import type { Target, TargetOptions, TargetServer } from '../targets.js';

/** Registers the hooks; the returned function gives the running server inside tests. */
export function useServer(target: Target, options: TargetOptions = {}): () => TargetServer {
  let running: TargetServer | undefined;
  beforeAll(async () => {
    running = await target.start(options);
  });
  afterAll(async () => {
    await running?.stop();
    running = undefined;
  });
  return () => {
    if (running === undefined) throw new Error(`${target.name} server is not running`);
    return running;
  };
}
