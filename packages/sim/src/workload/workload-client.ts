// One simulated client process: it opens a session on the real ZooClient and keeps issuing a
// random mix of register ops, counter increments, ID grants, lock cycles and ephemerals until
// the run's stop time; when its session expires it records that and opens a new one.

import { createClientWithEnv } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import type { History, Violation } from '../history/history.js';
import type { SeededRandom } from '../seeded-random.js';
import type { World } from '../world/world.js';
import type { TimelineRecorder } from '../world/timeline-recorder.js';
import type { ClientLinks } from '../net/client-links.js';
import { simClientEnv, sleep } from './sim-client-env.js';
import type { OpContext } from './op-context.js';
import { registerOp } from './register-ops.js';
import type { SeenVersions } from './register-ops.js';
import { createEphemeral, grantId, incrementCounter, lockCycle } from './recipe-ops.js';

export interface WorkloadClientOptions {
  world: World;
  links: ClientLinks;
  history: History;
  timeline: TimelineRecorder;
  process: number;
  connectString: string;
  sessionTimeoutMs: number;
  random: SeededRandom;
  nextOpId: () => number;
  violations: Violation[];
}

export class WorkloadClient {
  private client: ZooClient | null = null;
  private writes = 0;
  opsIssued = 0;
  sessions = 0;

  constructor(private readonly options: WorkloadClientOptions) {}

  /** Issues operations until `stopMs`; resolves when its last op has ended. */
  async run(stopMs: number): Promise<void> {
    const { world } = this.options;
    try {
      while (world.nowMs < stopMs) await this.session(stopMs);
    } catch (error) {
      // A client-side bug (not a ZooKeeper error): the run must fail, with the stack.
      const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.options.violations.push({
        checker: 'client',
        message: `c${this.options.process}: ${stack}`,
      });
    }
  }

  /** Closes the current session (its ephemerals go at once). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client !== null) await client.close();
  }

  private async session(stopMs: number): Promise<void> {
    const { world, links, random, timeline } = this.options;
    const name = `c${this.options.process}`;
    const env = simClientEnv({ name, world, links, random: random.fork() });
    const client = createClientWithEnv(
      this.options.connectString,
      { sessionTimeoutMs: this.options.sessionTimeoutMs },
      env,
    );
    this.client = client;
    this.sessions += 1;
    let isExpired = false;
    client.on('expired', () => {
      isExpired = true;
      world.record(`${name} session expired`);
      timeline.instant(name, 'fault', 'session expired', world.nowMs);
    });
    try {
      await client.ready();
    } catch {
      await client.close();
      return;
    }
    const context = this.context(client);
    const seen: SeenVersions = new Map();
    while (!isExpired && world.nowMs < stopMs) {
      await this.oneOp(context, seen);
      this.opsIssued += 1;
      await sleep(world, random.nextInt(0, 40));
    }
    if (isExpired) await client.close();
  }

  private async oneOp(context: OpContext, seen: SeenVersions): Promise<void> {
    const roll = context.random.nextFloat();
    if (roll < 0.55) return registerOp(context, seen);
    if (roll < 0.7) return incrementCounter(context);
    if (roll < 0.8) return grantId(context);
    if (roll < 0.92) return lockCycle(context);
    return createEphemeral(context);
  }

  private context(client: ZooClient): OpContext {
    const { world, history, random, process } = this.options;
    return {
      world,
      random,
      history,
      process,
      client,
      nextOpId: this.options.nextOpId,
      uniqueData: () => {
        this.writes += 1;
        return `c${process}-${this.writes}`;
      },
      sleep: (ms) => sleep(world, ms),
    };
  }
}
