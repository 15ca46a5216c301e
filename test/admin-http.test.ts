// The admin port of a 3-member ensemble (startCluster with adminPort 0): every AdminServer
// command answers ZooKeeper's JSON (field names from ZooKeeper's admin/Commands.java), and
// `/metrics` parses as Prometheus text and moves when writes run.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCluster, startServer } from '@zoo/server';
import type { ZooCluster } from '@zoo/server';
import { createClient } from '@zoo/client';
import { fourLetterWord } from './support/four-letter-word.js';
import type { ZooClient } from '@zoo/client';
import {
  adminCommand,
  histogramCount,
  sampleValue,
  scrapeMetrics,
  serverIds,
} from './support/admin-http.js';

let cluster: ZooCluster;
let client: ZooClient;
let leaderId: number;

beforeAll(async () => {
  cluster = await startCluster({ size: 3, adminPort: 0, fourLetterWordWhitelist: 'conf,srvr' });
  leaderId = await cluster.waitForLeader();
  client = createClient(cluster.members[leaderId - 1]?.connectString ?? '');
  await client.ready();
  await client.create('/admin', Buffer.from('x'));
  await client.getData('/admin', { watch: () => undefined });
}, 60_000);

afterAll(async () => {
  await client?.close();
  await cluster?.close();
});

function adminPortOf(id: number): number {
  const port = cluster.members[id - 1]?.adminPort;
  if (port === null || port === undefined) throw new Error(`member ${id} has no admin port`);
  return port;
}

const primaryNames = [
  'configuration',
  'connection_stat_reset',
  'connections',
  'dirs',
  'dump',
  'environment',
  'get_trace_mask',
  'hash',
  'initial_configuration',
  'is_read_only',
  'last_snapshot',
  'leader',
  'monitor',
  'ruok',
  'server_stats',
  'stats',
  'stat_reset',
  'voting_view',
  'watch_summary',
  'watches',
  'watches_by_path',
  'zabstate',
];

describe('admin commands', () => {
  test('every member binds its own admin port', () => {
    const ports = cluster.members.map((member) => member.adminPort);
    expect(ports.every((port) => typeof port === 'number' && port > 0)).toBe(true);
    expect(new Set(ports).size).toBe(3);
  });

  test('/commands lists every command with its aliases', async () => {
    const response = await fetch(`http://127.0.0.1:${adminPortOf(1)}/commands`);
    const list = (await response.json()) as { commands: { name: string; aliases: string[] }[] };
    expect(list.commands.map((entry) => entry.name).sort()).toEqual([...primaryNames].sort());
    expect(list.commands.find((entry) => entry.name === 'server_stats')?.aliases).toEqual(['srvr']);
  });

  test('each command answers on each member, by name and alias, without error', async () => {
    for (const member of cluster.members) {
      for (const name of primaryNames) {
        const answer = await adminCommand(adminPortOf(member.id), name);
        expect(answer, `${name} on ${member.id}`).toMatchObject({ command: name, error: null });
      }
      const byAlias = await adminCommand(adminPortOf(member.id), 'srvr');
      expect(byAlias['command']).toBe('server_stats');
    }
  });

  test('an unknown command answers ZooKeeper’s error', async () => {
    expect(await adminCommand(adminPortOf(1), 'nope')).toEqual({
      command: 'nope',
      error: 'Unknown command: nope',
    });
    const notFound = await fetch(`http://127.0.0.1:${adminPortOf(1)}/elsewhere`);
    expect(notFound.status).toBe(404);
  });

  test('srvr, mntr and conf report the member in ZooKeeper’s field names', async () => {
    const leaderPort = adminPortOf(leaderId);
    const srvr = await adminCommand(leaderPort, 'srvr');
    expect(srvr).toMatchObject({ read_only: false, node_count: expect.any(Number) });
    const stats = srvr['server_stats'] as Record<string, unknown>;
    expect(stats).toMatchObject({ server_state: 'leader', outstanding_requests: 0 });
    expect(stats['last_processed_zxid']).toBeGreaterThan(0);
    const mntr = await adminCommand(leaderPort, 'mntr');
    expect(mntr).toMatchObject({ server_state: 'leader', znode_count: srvr['node_count'] });
    const conf = await adminCommand(leaderPort, 'conf');
    const leader = cluster.members[leaderId - 1];
    expect(conf).toMatchObject({ client_port: leader?.port, server_id: leaderId, tick_time: 2000 });
  });

  test('leader, voting_view and zabstate agree with the cluster', async () => {
    for (const member of cluster.members) {
      const port = adminPortOf(member.id);
      expect(await adminCommand(port, 'leader')).toMatchObject({
        is_leader: member.id === leaderId,
        leader_id: leaderId,
      });
      const view = (await adminCommand(port, 'voting_view'))['current_config'] as Record<
        string,
        { client_address: string; learner_type: string }
      >;
      expect(Object.keys(view).sort()).toEqual(['1', '2', '3']);
      for (const other of cluster.members) {
        expect(view[String(other.id)]).toMatchObject({
          client_address: other.connectString,
          learner_type: 'participant',
        });
      }
      expect(await adminCommand(port, 'zabstate')).toMatchObject({
        myid: member.id,
        voting: true,
        zabstate: 'broadcast',
      });
    }
  });

  test('connections, watches and dump show the client’s session and watch', async () => {
    const port = adminPortOf(leaderId);
    const cons = (await adminCommand(port, 'cons'))['connections'] as Record<string, unknown>[];
    const session = cons.find((connection) => 'session_id' in connection);
    expect(session).toMatchObject({
      last_operation: expect.any(String),
      session_timeout: expect.any(Number),
      last_zxid: expect.any(Number),
    });
    expect(await adminCommand(port, 'wchs')).toMatchObject({
      num_connections: 1,
      num_paths: 1,
      num_total_watches: 1,
    });
    const byPath = (await adminCommand(port, 'wchp'))['path_to_session_ids'];
    expect(Object.keys(byPath as object)).toEqual(['/admin']);
    const dump = await adminCommand(port, 'dump');
    expect(Object.keys(dump['expiry_time_to_session_ids'] as object)).toHaveLength(1);
  });
});

describe('conf on the client port', () => {
  test('an ensemble member lists its peers as QuorumZooKeeperServer.dumpConf does', async () => {
    const member = cluster.members[1];
    const text = await fourLetterWord({ host: '127.0.0.1', port: member?.port ?? 0 }, 'conf');
    expect(text).toMatch(/^serverId=2\ninitLimit=10\nsyncLimit=5\nelectionAlg=3\n/m);
    expect(text).toMatch(/^quorumPort=\d+\npeerType=0\nmembership: \n/m);
    const lines = text.split('\n').filter((line) => line.startsWith('server.'));
    expect(lines).toHaveLength(3);
    for (const [index, line] of lines.entries()) {
      const client = cluster.members[index]?.connectString ?? '';
      const pattern = `^server\\.${index + 1}=127\\.0\\.0\\.1:(\\d+):\\1:participant;${client}$`;
      expect(line).toMatch(new RegExp(pattern));
    }
  });
});

describe('/metrics', () => {
  test('parses as Prometheus text, with the member’s gauges', async () => {
    const families = await scrapeMetrics(adminPortOf(leaderId));
    const labels = { server_id: String(leaderId) };
    expect(sampleValue(families, 'zoo_is_leader', labels)).toBe(1);
    expect(sampleValue(families, 'zoo_sessions', labels)).toBe(1);
    expect(sampleValue(families, 'zoo_watches', labels)).toBe(1);
    expect(sampleValue(families, 'zoo_znodes', labels)).toBeGreaterThanOrEqual(6);
    expect(sampleValue(families, 'zoo_elections_total', labels)).toBeGreaterThanOrEqual(1);
    expect(histogramCount(families, 'zoo_election_duration_seconds')).toBeGreaterThanOrEqual(1);
    // The followers joined after the election: each was synchronised once.
    const syncs = ['diff', 'trunc', 'snap'].map((kind) =>
      sampleValue(families, 'zoo_learner_syncs_total', { kind }),
    );
    expect(syncs.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(2);
  });

  test('request, proposal, commit and fsync counts rise as writes run', async () => {
    const port = adminPortOf(leaderId);
    const before = await scrapeMetrics(port);
    const writes = 20;
    for (let index = 0; index < writes; index += 1) {
      await client.create(`/admin/n${index}`, Buffer.from('v'));
    }
    const after = await scrapeMetrics(port);
    const rise = (read: (families: typeof before) => number): number => read(after) - read(before);
    const create = { op: 'create' };
    expect(rise((f) => histogramCount(f, 'zoo_request_duration_seconds', create))).toBe(writes);
    expect(rise((f) => sampleValue(f, 'zoo_proposals_total'))).toBe(writes);
    expect(rise((f) => histogramCount(f, 'zoo_commit_duration_seconds'))).toBe(writes);
    expect(rise((f) => histogramCount(f, 'zoo_fsync_duration_seconds'))).toBeGreaterThan(0);
    expect(rise((f) => sampleValue(f, 'zoo_znodes'))).toBe(writes);
  });

  test('each member has its own registry', async () => {
    const follower = cluster.members.find((member) => member.id !== leaderId);
    const families = await scrapeMetrics(adminPortOf(follower?.id ?? 0));
    expect(sampleValue(families, 'zoo_is_leader')).toBe(0);
    expect(sampleValue(families, 'zoo_proposals_total')).toBe(0);
    expect(serverIds(families)).toEqual(new Set([String(follower?.id)]));
  });
});

describe('startServer', () => {
  test('has no admin port unless asked; port 0 picks one, where leader is an error', async () => {
    const plain = await startServer();
    expect(plain.adminPort).toBeNull();
    await plain.close();
    const server = await startServer({ adminPort: 0 });
    try {
      expect(server.adminPort).toBeGreaterThan(0);
      const port = server.adminPort ?? 0;
      expect(await adminCommand(port, 'ruok')).toEqual({ command: 'ruok', error: null });
      expect(await adminCommand(port, 'leader')).toMatchObject({
        error: 'server is not initialized',
      });
      expect((await adminCommand(port, 'srvr'))['server_stats']).toMatchObject({
        server_state: 'standalone',
      });
    } finally {
      await server.close();
    }
  });
});
