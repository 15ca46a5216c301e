// Shared scaffolding for suites that run once per target: starts one server per target in
// beforeAll, hands out node-zookeeper-client connections, and stops everything in afterAll.

import { afterAll, beforeAll } from 'vitest';
import zookeeper from 'node-zookeeper-client';
import { PromiseClient } from './promise-client.js';
import type { Target, TargetOptions, TargetServer } from './targets.js';

export interface SuiteContext {
  /** The running server (only valid inside tests and hooks). */
  server(): TargetServer;
  /** A new connected client, closed automatically in afterAll. */
  connect(options?: zookeeper.ClientOptions): Promise<PromiseClient>;
  /** A path unique to this suite run: `/<prefix>-<n>`. */
  uniquePath(prefix: string): string;
}

/** Registers beforeAll/afterAll hooks for one target; call inside its describe block. */
export function useTargetServer(target: Target, options: TargetOptions = {}): SuiteContext {
  let running: TargetServer | undefined;
  const clients: PromiseClient[] = [];
  let counter = 0;
  beforeAll(async () => {
    running = await target.start(options);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await running?.stop();
  });
  const server = (): TargetServer => {
    if (running === undefined) {
      throw new Error(`${target.name} server is not running`);
    }
    return running;
  };
  return {
    server,
    connect: async (clientOptions = {}) => {
      const client = await PromiseClient.connect(server().connectString, clientOptions);
      clients.push(client);
      return client;
    },
    uniquePath: (prefix) => {
      counter += 1;
      return `/${prefix}-${counter}`;
    },
  };
}
