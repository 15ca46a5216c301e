// Leader failover time of an ensemble: one client writes in a loop through the two members that
// do not lead; the leader's process is SIGKILLed; the time from the kill to the first write
// acknowledged again is one round. The killed member is restarted between rounds.

import { performance } from 'node:perf_hooks';
import { createClient } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import type { EnsembleTarget } from './ensemble-targets.js';

export interface FailoverOptions {
  /** Writes run this long before the kill, so the loop is in its steady state. */
  steadyMs: number;
  /** A round that sees no acknowledged write this long after the kill fails. */
  timeoutMs: number;
}

export interface FailoverRound {
  killedId: number;
  /** Kill → first acknowledged write issued after the killed process had exited. */
  failoverMs: number | null;
  /** Writes acknowledged in the steady phase before the kill. */
  writesBefore: number;
  /** Calls that failed between the kill and the first acknowledged write (ConnectionLoss …). */
  errorsDuring: number;
  errorNames: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A write loop that keeps one setData in flight and remembers when each was sent and acked. */
class WriteLoop {
  writes = 0;
  errors: string[] = [];
  firstAckAfter: number | null = null;
  countAfter = Number.POSITIVE_INFINITY;
  private isRunning = true;
  readonly done: Promise<void>;

  constructor(
    private readonly client: ZooClient,
    private readonly path: string,
  ) {
    this.done = this.run();
  }

  /** Issues no more writes; the one in flight still settles (or fails when the client closes). */
  halt(): void {
    this.isRunning = false;
  }

  private async run(): Promise<void> {
    const data = Buffer.alloc(100, 7);
    while (this.isRunning) {
      const sentAt = performance.now();
      try {
        await this.client.setData(this.path, data);
        this.writes += 1;
        if (sentAt >= this.countAfter && this.firstAckAfter === null) {
          this.firstAckAfter = performance.now();
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.errors.push(message.replace(/ for \/\S*$/, ''));
        // The client fails calls at once while it has no server; a short pause keeps the loop
        // from spinning, and is far below the failover times measured.
        await sleep(1);
      }
    }
  }
}

async function connectedClient(connectString: string, path: string): Promise<ZooClient> {
  // The same client and settings for both systems; a 20 ms cap on the reconnect pause keeps
  // the client's own back-off (1 s by default, as ZooKeeper's) from hiding the servers' time.
  const client = createClient(connectString, { sessionTimeoutMs: 20_000, reconnectDelayMaxMs: 20 });
  await client.create(path, Buffer.alloc(100));
  return client;
}

/** One round: writes through the non-leaders, SIGKILL the leader, time the first ack, restart. */
export async function runFailoverRound(
  target: EnsembleTarget,
  options: FailoverOptions,
): Promise<FailoverRound> {
  const leader = await target.waitForQuorum();
  const others = target.members.filter((member) => member.id !== leader);
  const path = `/failover-${Date.now()}`;
  const client = await connectedClient(others.map((m) => m.connectString).join(','), path);
  const loop = new WriteLoop(client, path);
  try {
    await sleep(options.steadyMs);
    const writesBefore = loop.writes;
    const errorsBefore = loop.errors.length;
    const killedAt = performance.now();
    await target.kill(leader);
    // Only writes sent once the leader's process is gone count: one sent a moment before
    // could still have been committed by the old leader.
    loop.countAfter = performance.now();
    const deadline = killedAt + options.timeoutMs;
    while (loop.firstAckAfter === null && performance.now() < deadline) await sleep(1);
    const ackedAt = loop.firstAckAfter;
    const errorNames = [...new Set(loop.errors.slice(errorsBefore))];
    return {
      killedId: leader,
      failoverMs: ackedAt === null ? null : ackedAt - killedAt,
      writesBefore,
      errorsDuring: loop.errors.length - errorsBefore,
      errorNames,
    };
  } finally {
    loop.halt();
    await client.close().catch(() => undefined);
    await loop.done;
    await target.restart(leader);
    // Back to full strength before anything else runs: a starting JVM or Node process burns
    // CPU that the other system's next step would otherwise pay for.
    await target.waitForQuorum();
  }
}
