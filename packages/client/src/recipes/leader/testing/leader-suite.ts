// The leader recipes' tests, run on a 3-member Zoo ensemble (leader.test.ts) and on Apache
// ZooKeeper 3.8 (leader.apache.test.ts): never two leaders at once while members are killed,
// fail-over when the leader's session ends or expires, and a selector that runs one task at a
// time and gives leadership up when the task returns or the selector closes.

import { describe, expect, test } from 'vitest';
import { within } from '../../../../../../test/support/promise-client.js';
import type { ZooClient } from '../../../api/zoo-client.js';
import { LeaderLatch, LeaderSelector } from '../../index.js';
import { FencedResource } from '../../lock/testing/fenced-resource.js';
import { eventually, sleep, type RecipeRig } from '../../lock/testing/recipe-rig.js';

/** Registers the tests; `setUp` gives each a rig on the ensemble (see useEnsemble). */
export function leaderSuite(setUp: () => RecipeRig): void {
  describe('LeaderLatch', () => {
    test(
      'exactly one leader at a time while members are killed; fail-over on close',
      () => oneLeaderUnderKills(setUp()),
      90_000,
    );
    test(
      'when the leader’s session expires, it steps down and another takes over',
      () => failOverOnExpiry(setUp()),
      60_000,
    );
  });
  describe('LeaderSelector', () => {
    test(
      'runs one task at a time, every participant in turn, across member kills',
      () => selectorsTakeTurns(setUp()),
      90_000,
    );
    test('close() aborts the running task; requeue() runs it again', () =>
      selectorCloseAndRequeue(setUp()));
  });
}

interface Participant {
  id: string;
  client: ZooClient;
  latch: LeaderLatch;
}

/** Starts latches that report each term to `resource`, which flags any overlap. */
async function participants(
  path: string,
  clients: readonly ZooClient[],
  resource: FencedResource,
): Promise<Participant[]> {
  const started: Participant[] = [];
  for (const [index, client] of clients.entries()) {
    const id = `p${index}`;
    const latch = new LeaderLatch(client, path, { id });
    latch.on('leader', () => {
      const { fencingToken, leadershipSignal } = latch;
      if (fencingToken !== null && leadershipSignal !== null) {
        resource.enter(id, fencingToken, leadershipSignal);
      }
    });
    await latch.start();
    started.push({ id, client, latch });
  }
  return started;
}

const leadersOf = (all: readonly Participant[]): string[] =>
  all.filter((participant) => participant.latch.isLeader).map((participant) => participant.id);

async function oneLeaderUnderKills(r: RecipeRig): Promise<void> {
  const path = r.uniquePath('latch');
  const resource = new FencedResource();
  const clients = await Promise.all([0, 1, 2, 3].map(() => r.client()));
  const all = await participants(path, clients, resource);
  await eventually(() => leadersOf(all).length === 1, 'a leader');
  const killed = await r.killFollowerThenLeader(500);
  expect(killed).toHaveLength(2);
  await eventually(() => leadersOf(all).length === 1, 'a leader after the kills');
  const first = all.find((participant) => participant.latch.isLeader);
  if (first === undefined) throw new Error('no leader');
  expect(await first.latch.leaderId()).toBe(first.id);
  const token = first.latch.fencingToken ?? 0n;
  await first.client.close();
  await eventually(
    () => leadersOf(all).length === 1,
    'a new leader once the old one’s session ended',
  );
  const second = all.find((participant) => participant.latch.isLeader);
  expect(second?.id).not.toBe(first.id);
  expect((second?.latch.fencingToken ?? 0n) > token).toBe(true);
  expect(resource.violations).toEqual([]);
  await Promise.all(all.map((participant) => participant.latch.close()));
}

async function failOverOnExpiry(r: RecipeRig): Promise<void> {
  const path = r.uniquePath('latch-expiry');
  const resource = new FencedResource();
  const proxy = await r.proxyTo(r.ensemble.memberIds[0] ?? 1);
  const cutOff = await r.client({}, proxy.connectString);
  const [leader] = await participants(path, [cutOff], resource);
  if (leader === undefined) throw new Error('no participant');
  await within(leader.latch.awaitLeadership(), 10_000, 'the first participant to lead');
  const others = await participants(path, [await r.client(), await r.client()], resource);
  const closed = new Promise<void>((resolve) => leader.latch.on('closed', () => resolve()));
  proxy.freeze();
  await eventually(() => !leader.latch.isLeader, 'the cut-off leader to step down');
  await eventually(() => leadersOf(others).length === 1, 'another participant to lead', 20_000);
  proxy.thaw();
  await within(closed, 15_000, 'the expired participant to close');
  expect(resource.violations).toEqual([]);
  await Promise.all(others.map((participant) => participant.latch.close()));
  expect(await (others[0]?.client ?? cutOff).getChildren(path)).toEqual([]);
}

async function selectorsTakeTurns(r: RecipeRig): Promise<void> {
  const path = r.uniquePath('selector');
  const resource = new FencedResource();
  const terms = new Map<string, number>();
  const selectors = await Promise.all(
    ['a', 'b', 'c'].map(async (id) => {
      const task = async ({
        signal,
        fencingToken,
      }: {
        signal: AbortSignal;
        fencingToken: bigint;
      }) => {
        resource.enter(id, fencingToken, signal);
        terms.set(id, (terms.get(id) ?? 0) + 1);
        await sleep(30);
        if (!signal.aborted) resource.write(fencingToken);
        resource.leave(id);
      };
      return new LeaderSelector(await r.client(), path, task, { id, autoRequeue: true });
    }),
  );
  for (const selector of selectors) selector.start();
  await r.killFollowerThenLeader(500);
  await sleep(500);
  await within(Promise.all(selectors.map((s) => s.close())), 20_000, 'the selectors to close');
  expect(resource.violations).toEqual([]);
  expect(resource.rejected).toBe(0);
  expect([...terms.keys()].sort()).toEqual(['a', 'b', 'c']);
  expect([...terms.values()].reduce((sum, count) => sum + count, 0)).toBeGreaterThan(10);
}

async function selectorCloseAndRequeue(r: RecipeRig): Promise<void> {
  const path = r.uniquePath('selector-close');
  const client = await r.client();
  let terms = 0;
  const quick = new LeaderSelector(client, path, async () => {
    terms += 1;
  });
  quick.start();
  await eventually(() => terms === 1 && !quick.isQueued, 'the first term to end');
  expect(quick.requeue()).toBe(true);
  await eventually(() => terms === 2 && !quick.isQueued, 'the requeued term to end');
  let sawAbort = false;
  const patient = new LeaderSelector(
    client,
    path,
    ({ signal }) =>
      new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve();
        }),
      ),
  );
  patient.start();
  await eventually(() => patient.isLeader, 'the patient selector to lead');
  await patient.close();
  expect(sawAbort).toBe(true);
  expect(patient.isLeader).toBe(false);
  expect(await client.getChildren(path)).toEqual([]);
  await quick.close();
}
