// `--sections leader`: LeaderLatch fail-over — P participants (each its own client) elect a
// leader; the leader's client closes its session, and the time from the close starting to
// another participant's latch saying it leads is one sample. A fresh participant joins after
// each round so there are always P.

import { LeaderLatch } from '@zoo/client/recipes';
import type { ZooClient } from '@zoo/client';
import type { Endpoint } from './targets.js';
import { closeAll, createPath, openRecipeClients } from './recipe-workloads.js';

export interface LatchFailoverOptions {
  participants: number;
  rounds: number;
  timeoutMs: number;
}

interface Participant {
  client: ZooClient;
  latch: LeaderLatch;
}

async function join(endpoints: readonly Endpoint[], path: string): Promise<Participant> {
  const [client] = await openRecipeClients(endpoints, 1);
  if (client === undefined) throw new Error('no client');
  await createPath(client, path);
  const latch = new LeaderLatch(client, path);
  await latch.start();
  return { client, latch };
}

/** Resolves with the first participant other than `except` to lead, or rejects on timeout. */
function nextLeader(participants: readonly Participant[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const unsubscribers: (() => void)[] = [];
    const timer = setTimeout(() => {
      for (const unsubscribe of unsubscribers) unsubscribe();
      reject(new Error(`no new leader within ${timeoutMs} ms`));
    }, timeoutMs);
    for (const { latch } of participants) {
      unsubscribers.push(
        latch.on('leader', () => {
          clearTimeout(timer);
          for (const unsubscribe of unsubscribers) unsubscribe();
          resolve();
        }),
      );
    }
  });
}

/** Fail-over times (ms) of `rounds` leader session closes. */
export async function measureLatchFailover(
  endpoints: readonly Endpoint[],
  options: LatchFailoverOptions,
): Promise<number[]> {
  const path = `/bench/latch-${process.hrtime.bigint().toString(36)}`;
  const participants: Participant[] = [];
  try {
    for (let i = 0; i < options.participants; i += 1) {
      participants.push(await join(endpoints, path));
    }
    const samples: number[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      // A participant that joined last round may still be taking its place in line.
      await Promise.any(
        participants.map(({ latch }) => latch.awaitLeadership({ timeoutMs: options.timeoutMs })),
      );
      const leader = participants.find((participant) => participant.latch.isLeader);
      if (leader === undefined) throw new Error('the leader stepped down on its own');
      const others = participants.filter((participant) => participant !== leader);
      const elected = nextLeader(others, options.timeoutMs);
      const closedAt = performance.now();
      await leader.client.close();
      await elected;
      samples.push(performance.now() - closedAt);
      participants.splice(participants.indexOf(leader), 1);
      participants.push(await join(endpoints, path));
    }
    return samples;
  } finally {
    await closeAll(participants.map((participant) => participant.client));
  }
}
