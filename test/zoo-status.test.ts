// `pnpm status --once --json` against a 3-member Zoo ensemble given one member's address (it
// finds the others in conf), and against Apache ZooKeeper 3.8 (standalone, words whitelisted).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCluster, type ZooCluster } from '@zoo/server';
import { createClient, type ZooClient } from '@zoo/client';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeper,
  type ApacheZooKeeper,
} from './support/apache-zookeeper.js';

const root = join(import.meta.dirname, '..');

interface StatusJson {
  leader: number | null;
  kind: string;
  members: {
    id: number | null;
    address: string;
    mode: string;
    zxid: string | null;
    sessions: number | null;
    znodes: number | null;
    watches: number | null;
    opsPerSec: number | null;
    error: string | null;
  }[];
}

/** Runs the root package.json script, as a user would. */
function pnpmStatus(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', ['-s', 'status', ...args], { cwd: root }, (error, stdout) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout });
    });
  });
}

async function statusOnce(connect: string): Promise<StatusJson> {
  const { code, stdout } = await pnpmStatus(connect, '--once', '--json', '--interval-ms', '300');
  expect(code, stdout).toBe(0);
  return JSON.parse(stdout) as StatusJson;
}

describe('zoo status against Zoo', () => {
  let cluster: ZooCluster;
  let client: ZooClient;

  beforeAll(async () => {
    cluster = await startCluster({ size: 3, fourLetterWordWhitelist: 'srvr,mntr,conf' });
    await cluster.waitForLeader();
    client = createClient(cluster.connectString);
    await client.ready();
    await client.create('/status', Buffer.from('x'));
    await client.exists('/status', { watch: () => undefined });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await cluster?.close();
  });

  test('given one member, shows all three, the leader, and the same zxid', async () => {
    const status = await statusOnce(cluster.members[0]?.connectString ?? '');
    expect(status.kind).toBe('ensemble');
    expect(status.leader).toBe(cluster.leader());
    expect(status.members.map((member) => member.id)).toEqual([1, 2, 3]);
    expect(status.members.map((m) => m.address)).toEqual(
      cluster.members.map((m) => m.connectString),
    );
    const modes = status.members.map((member) => member.mode).sort();
    expect(modes).toEqual(['follower', 'follower', 'leader']);
    const zxids = new Set(status.members.map((member) => member.zxid));
    expect(zxids.size).toBe(1);
    expect([...zxids][0]).toMatch(/^0x[0-9a-f]+$/);
    for (const member of status.members) {
      expect(member).toMatchObject({ error: null, sessions: 1, opsPerSec: expect.any(Number) });
      expect(member.znodes).toBeGreaterThanOrEqual(6);
    }
    expect(status.members.reduce((sum, member) => sum + (member.watches ?? 0), 0)).toBe(1);
  });

  test('prints a table without --json', async () => {
    const connect = cluster.members[1]?.connectString ?? '';
    const { code, stdout } = await pnpmStatus(connect, '--once', '--interval-ms', '100');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^ensemble, leader ${cluster.leader()}\\n`));
    expect(stdout).toMatch(/^id\s+address\s+mode\s+zxid\s+sessions\s+znodes\s+watches/m);
    expect(stdout.split('\n').filter((line) => /^\d+\s+127\.0\.0\.1:/.test(line))).toHaveLength(3);
  });

  test('exits 1 when no member answers', async () => {
    const { code, stdout } = await pnpmStatus('127.0.0.1:1', '--once', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'unknown', leader: null });
  });
});

const hasApache = isApacheZooKeeperInstalled();
const apacheTitle = 'zoo status against Apache ZooKeeper 3.8';
describe.skipIf(!hasApache)(hasApache ? apacheTitle : `${apacheTitle} (SKIPPED: no java)`, () => {
  let apache: ApacheZooKeeper;

  beforeAll(async () => {
    apache = await startApacheZooKeeper();
  }, 90_000);

  afterAll(async () => {
    await apache?.stop();
  });

  test('shows a standalone server with its zxid, znodes and sessions', async () => {
    const status = await statusOnce(apache.connectString);
    expect(status).toMatchObject({ kind: 'standalone', leader: 0 });
    expect(status.members).toHaveLength(1);
    expect(status.members[0]).toMatchObject({
      id: 0,
      address: apache.connectString,
      mode: 'standalone',
      sessions: 0,
      watches: 0,
      error: null,
      opsPerSec: 0,
    });
    expect(status.members[0]?.zxid).toMatch(/^0x[0-9a-f]+$/);
    expect(status.members[0]?.znodes).toBeGreaterThanOrEqual(4);
  });
});
