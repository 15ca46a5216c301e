// Builds a ZooClient over a FakeZooServer and a ManualEnv, counting the transport writes, for
// the API tests.

import type { ClientEventName } from '../client-events.js';
import type { TransportFactory } from '../env.js';
import { createClientWithEnv, type ClientOptions } from '../create-client-with-env.js';
import type { ZooClient } from '../zoo-client.js';
import { FakeZooServer } from './fake-zoo-server.js';
import { ManualEnv } from './manual-env.js';

export interface ClientFixture {
  server: FakeZooServer;
  env: ManualEnv;
  client: ZooClient;
  /** Byte length of every transport write, in order. */
  writes: number[];
  /** Session events in order. */
  events: string[];
}

export function fixture(
  connectString = 'a:1',
  options: ClientOptions & { server?: FakeZooServer } = {},
): ClientFixture {
  const server = options.server ?? new FakeZooServer();
  const writes: number[] = [];
  const inner = server.transportFactory();
  const counting: TransportFactory = (address, handlers) => {
    const transport = inner(address, handlers);
    return {
      write: (bytes) => {
        writes.push(bytes.length);
        transport.write(bytes);
      },
      close: () => transport.close(),
    };
  };
  const env = new ManualEnv(counting);
  const client = createClientWithEnv(connectString, { sessionTimeoutMs: 30_000, ...options }, env);
  const events: string[] = [];
  const names = ['connected', 'readOnly', 'disconnected', 'expired', 'authFailed', 'closed'];
  for (const name of names as ClientEventName[]) {
    client.on(name, () => events.push(name));
  }
  return { server, env, client, writes, events };
}

export async function connectedFixture(
  connectString = 'a:1',
  options: ClientOptions & { server?: FakeZooServer } = {},
): Promise<ClientFixture> {
  const f = fixture(connectString, options);
  await f.client.ready();
  return f;
}
