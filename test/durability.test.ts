// Durability in-process: a server or an ensemble given a dataDir keeps every acknowledged write
// across a stop and a start, through checkpoints and retention, and refuses a second process on
// the same directory. (Separate processes killed with SIGKILL: durability-processes.test.ts.)

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createClient } from '@zoo/client';
import { startCluster, startServer } from '@zoo/server';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-durable-'));
  dirs.push(dir);
  return dir;
}

describe('a standalone server with a dataDir', () => {
  test('recovers every acknowledged write after a restart, across checkpoints', async () => {
    const dataDir = tempDir();
    const server = await startServer({ dataDir, snapCount: 50 });
    const client = createClient(server.connectString);
    await client.create('/app', Buffer.from('v0'));
    for (let i = 0; i < 300; i++) {
      await client.setData('/app', Buffer.from(`v${i + 1}`));
      if (i % 3 === 0) await client.create(`/app/n${i}`, Buffer.from(String(i)));
    }
    const expected = await client.getChildren('/app');
    await client.close();
    await server.close();
    // Checkpoints were written and retention removed the older ones (3 kept).
    const snapshots = readdirSync(dataDir).filter((name) => name.startsWith('snapshot.'));
    expect(snapshots.length).toBeGreaterThanOrEqual(1);
    expect(snapshots.length).toBeLessThanOrEqual(3);

    const again = await startServer({ dataDir, snapCount: 50 });
    const reader = createClient(again.connectString);
    const { data, stat } = await reader.getData('/app');
    expect(data?.toString()).toBe('v300');
    expect(stat.version).toBe(300);
    expect((await reader.getChildren('/app')).sort()).toEqual(expected.sort());
    await reader.close();
    await again.close();
  });

  test('a second server on the same dataDir is refused while the first runs', async () => {
    const dataDir = tempDir();
    const server = await startServer({ dataDir });
    await expect(startServer({ dataDir })).rejects.toThrow(/lock|in use|held/i);
    await server.close();
    const next = await startServer({ dataDir });
    await next.close();
  });
});

describe('an ensemble with a dataDir', () => {
  test('all members stopped and started again: all writes there, same trees', async () => {
    const dataDir = tempDir();
    const cluster = await startCluster({ size: 3, dataDir, snapCount: 40 });
    await cluster.waitForLeader();
    const client = createClient(cluster.connectString);
    for (let i = 0; i < 150; i++) await client.create(`/k${i}`, Buffer.from(String(i)));
    await client.close();
    await cluster.close();

    const again = await startCluster({ size: 3, dataDir, snapCount: 40 });
    await again.waitForLeader();
    const reader = createClient(again.connectString);
    const children = await reader.getChildren('/');
    for (let i = 0; i < 150; i++) expect(children).toContain(`k${i}`);
    await reader.sync('/');
    const states = [1, 2, 3].map((id) => again.stateOf(id));
    await reader.close();
    await again.close();
    const digests = new Set(states.map((state) => state?.digest));
    expect(digests.size).toBe(1);
  });

  test('a restarted member recovers its own log and catches up', async () => {
    const dataDir = tempDir();
    const cluster = await startCluster({ size: 3, dataDir, snapCount: 30 });
    const leader = await cluster.waitForLeader();
    const follower = [1, 2, 3].find((id) => id !== leader) ?? 1;
    const client = createClient(cluster.connectString);
    for (let i = 0; i < 60; i++) await client.create(`/a${i}`, null);
    await cluster.kill(follower);
    for (let i = 0; i < 60; i++) await client.create(`/b${i}`, null);
    await cluster.restart(follower);
    await cluster.waitForLeader();
    await client.create('/last', null);
    await client.sync('/');
    const deadline = Date.now() + 10_000;
    while (cluster.stateOf(follower)?.zxid !== cluster.stateOf(leader)?.zxid) {
      if (Date.now() > deadline) throw new Error('the restarted member did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(cluster.stateOf(follower)?.digest).toBe(cluster.stateOf(leader)?.digest);
    await client.close();
    await cluster.close();
  });
});
