// The lock on an injected world: a client and recipe on a ManualEnv (virtual time, chosen
// randomness) over the in-memory FakeZooServer, as the simulator would run them. Timeouts fire
// on the injected timers only, and node GUIDs come from the injected randomness.

import { describe, expect, test } from 'vitest';
import { createClientWithEnv } from '../../api/create-client-with-env.js';
import { FakeZooServer } from '../../api/testing/fake-zoo-server.js';
import { ManualEnv } from '../../api/testing/manual-env.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { Lock, LockTimeoutError } from '../index.js';

/** A client and its env on `server`, with randomness from a counter (distinct per seed). */
async function clientOn(
  server: FakeZooServer,
  seed: number,
): Promise<{ env: ManualEnv; client: ZooClient }> {
  let draws = seed * 1_000;
  const env = new ManualEnv(server.transportFactory(), () => ((draws += 7) % 97) / 97);
  const client = createClientWithEnv('a:1', { sessionTimeoutMs: 30_000 }, env);
  await client.ready();
  return { env, client };
}

describe('Lock on an injected env', () => {
  test('a timeout fires on the injected timers, not on wall-clock time', async () => {
    const server = new FakeZooServer();
    const holder = await clientOn(server, 1);
    const waiter = await clientOn(server, 2);
    const held = await new Lock(holder.client, '/l', { env: holder.env }).acquire();
    let outcome: unknown = null;
    const acquiring = new Lock(waiter.client, '/l', { env: waiter.env }).acquire({
      timeoutMs: 10_000,
    });
    acquiring.catch((error: unknown) => (outcome = error));
    await waiter.env.advance(9_999);
    expect(outcome).toBeNull();
    expect(await holder.client.getChildren('/l')).toHaveLength(2);
    await waiter.env.advance(1);
    expect(outcome).toBeInstanceOf(LockTimeoutError);
    expect(await holder.client.getChildren('/l')).toEqual([held.path.slice('/l/'.length)]);
    await held.release();
  });

  test('node names take their GUID from the injected randomness', async () => {
    const server = new FakeZooServer();
    const first = await clientOn(server, 3);
    const again = await clientOn(new FakeZooServer(), 3);
    const a = await new Lock(first.client, '/l', { env: first.env }).acquire();
    const b = await new Lock(again.client, '/l', { env: again.env }).acquire();
    expect(a.path).toBe(b.path);
    expect(a.path).toMatch(/^\/l\/_c_[0-9a-f-]{36}-lock-0000000000$/);
  });
});
