// A member that missed more than the DIFF window — stopped while the ensemble committed far more
// than 500 txns and checkpointed — rejoins by a SNAP of 200,000 znodes while the leader goes on
// committing. The leader sends it from a walk of its tree at the pace the socket takes it, and
// the learner links each part into its new tree as it arrives; afterwards every member holds
// the same tree (digest). The heap is sampled through the SNAP and printed beside the size of
// one full copy as the old SNAP built it (measured here). The sample is taken without forcing a
// collection (doing so every few ms slowed a loaded machine past initLimit), so it includes
// garbage and bounds nothing by itself: it is printed, not asserted. The pacing itself is
// asserted in adapters/snap-stream.test.ts, the part-by-part build in learner-snap.test.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, expect, test } from 'vitest';
import { createClient } from '@zoo/client';
import { startCluster, type ZooCluster } from '@zoo/server';
import { encodePeerMessage } from '@zoo/server/internals';
import type { PeerMessage } from '@zoo/server/internals';

const parents = 400;
const childrenPerParent = Number(process.env['ZOO_SNAP_CHILDREN'] ?? 500);
const dataBytes = 64;
const dir = mkdtempSync(join(tmpdir(), 'zoo-snap-'));
let cluster: ZooCluster | null = null;

afterAll(async () => {
  await cluster?.close();
  rmSync(dir, { recursive: true, force: true });
});

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const heapBytes = (): number => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const settledHeap = (): number => {
  collect();
  collect();
  return heapBytes();
};
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** What the old SNAP held on the leader: every node as an object, and every part encoded. */
function fullCopyBytes(): number {
  const paths: string[] = [];
  for (let p = 0; p < parents; p++) {
    for (let c = 0; c < childrenPerParent; c++) paths.push(`/p${p}/c${c}`);
  }
  const data = Buffer.alloc(dataBytes);
  const before = settledHeap();
  // Paths, data and zxids were shared with the tree: only the node objects were new.
  // As tree-snapshot.ts snapshotNodeOf built each one: one literal of the twelve fields.
  const nodes = paths.map((path, i) => ({
    path,
    data,
    acl: [],
    czxid: 5n,
    mzxid: 5n,
    pzxid: 5n,
    ctime: i,
    mtime: i,
    version: 0,
    childCreates: 0,
    aversion: 0,
    ephemeralOwner: 0n,
  }));
  const objects = settledHeap() - before;
  let encoded = 0;
  for (let i = 0; i < nodes.length; i += 4096) {
    const part: PeerMessage = { type: 'snapNodes', zxid: 5n, nodes: nodes.slice(i, i + 4096) };
    encoded += encodePeerMessage(part).length;
  }
  return objects + encoded;
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function snapSyncs(adminPort: number | null): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
  const line = /zoo_learner_syncs_total\{[^}]*kind="snap"[^}]*\} (\d+)/.exec(text);
  return Number(line?.[1] ?? 0);
}

test('a member far behind rejoins by a streamed SNAP while the leader commits', async () => {
  const copyBytes = fullCopyBytes();
  // snapCount 400: the stopped member misses several checkpoints as well as the DIFF window.
  // Ticks of 6 s give initLimit (10 ticks) a minute: as in ZooKeeper, the whole SNAP, its
  // write and the NEWLEADER ACK must fit in it, and this machine may be loaded.
  cluster = await startCluster({
    ...{ size: 3, dataDir: dir, snapCount: 400, adminPort: 0, tickMs: 6000 },
    logLevel: 'warn',
  });
  const running = cluster;
  const leader = await running.waitForLeader(30_000);
  const away = running.members.find((m) => m.id !== leader)?.id ?? 0;
  const leaderMember = running.members.find((m) => m.id === leader);
  const client = createClient(leaderMember?.connectString ?? '');
  await client.create('/base', Buffer.from('before'));
  await waitFor(
    'the member to catch up',
    () => running.stateOf(away)?.zxid === running.stateOf(leader)?.zxid,
    10_000,
  );
  await running.stop(away);

  const data = Buffer.alloc(dataBytes, 7);
  let txns = 0;
  for (let p = 0; p < parents; p++) {
    await client.create(`/p${p}`, null);
    const half = childrenPerParent / 2;
    await Promise.all(
      [0, half].map((start) =>
        client.multi(
          Array.from({ length: half }, (_, c) => ({
            type: 'create' as const,
            path: `/p${p}/c${start + c}`,
            data,
          })),
        ),
      ),
    );
    txns += 3;
  }
  expect(txns).toBeGreaterThan(500);
  const snapsBefore = await snapSyncs(leaderMember?.adminPort ?? null);

  // The leader goes on committing through the SNAP.
  let isWriting = true;
  let written = 0;
  const writer = (async () => {
    while (isWriting) {
      // A write cut off by a leader change is retried by the next one.
      const ok = await client.setData('/base', Buffer.from(`during ${written}`)).then(
        () => true,
        () => false,
      );
      if (ok) written += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const before = settledHeap();
  let peak = before;
  const startedMs = Date.now();
  const roles: string[] = [];
  // The heap between tasks, garbage not yet collected included (a full collection at every
  // sample slows a loaded machine past initLimit): an upper bound on what the SNAP held.
  const sampler = setInterval(() => {
    peak = Math.max(peak, heapBytes());
    const role = running.roleOf(away) ?? 'stopped';
    if (roles.at(-1)?.split(' ')[0] !== role) roles.push(`${role} ${Date.now() - startedMs}ms`);
  }, 2);
  await running.restart(away);
  // Every running member serves again: the SNAP is in, written, and acknowledged.
  await running.waitForLeader(120_000).catch((error: unknown) => {
    throw new Error(`${String(error)}; member ${away}: ${roles.join(', ')}`);
  });
  const rejoinMs = Date.now() - startedMs;
  clearInterval(sampler);
  isWriting = false;
  await writer;
  const after = settledHeap();

  await waitFor(
    'equal trees',
    () => running.stateOf(away)?.zxid === running.stateOf(leader)?.zxid,
    20_000,
  );
  const states = running.members.map((m) => running.stateOf(m.id));
  expect(new Set(states.map((s) => s?.digest)).size).toBe(1);
  expect(await snapSyncs(leaderMember?.adminPort ?? null)).toBe(snapsBefore + 1);
  await client.close();

  const newTree = after - before;
  const transient = peak - after;
  console.log(
    `SNAP of ${parents * childrenPerParent} znodes in ${rejoinMs} ms, ` +
      `${written} writes meanwhile; ` +
      `heap: the learner's new tree ${mb(newTree)}, peak beyond it (garbage included) ` +
      `${mb(transient)}, ` +
      `one full copy as the old SNAP held it ${mb(copyBytes)}`,
  );
  expect(written).toBeGreaterThan(0);
}, 300_000);
