// One simulated client process: it opens a session on the real ZooClient and keeps issuing a
// random mix of register ops and the real recipes' operations (counter increments, sequential
// and segment IDs, lock cycles, leader terms) and ephemerals until
// the run's stop time; when its session expires it records that and opens a new one. Its host
// can crash (what it had in flight stays unknown; its session is left to expire) and restart.

import { createClientWithEnv } from '@zoo/client';
import type { ClientEnv, ZooClient } from '@zoo/client';
import { SegmentIdGenerator } from '@zoo/client/recipes';
import type { History, SessionLog, Violation } from '../history/history.js';
import type { SeededRandom } from '@zoo/server/internals';
import type { World } from '../world/world.js';
import type { TimelineRecorder } from '../world/timeline-recorder.js';
import type { ClientLinks } from '../net/client-links.js';
import { SimProcess } from '../node/sim-process.js';
import { simClientEnv, sleep } from './sim-client-env.js';
import type { OpContext } from './op-context.js';
import { registerOp } from './register-ops.js';
import type { SeenVersions } from './seen-versions.js';
import { segmentsPath } from './op-context.js';
import { incrementCounter } from './counter-op.js';
import { grantSegmentId, grantSequentialId } from './id-ops.js';
import { lockCycle } from './lock-op.js';
import { leaderTerm } from './leader-op.js';
import { createEphemeral } from './ephemeral-op.js';
import type { RecipeBug } from './planted-recipe-bugs.js';
import type { WatchBug } from './planted-watch-bugs.js';
import { tapSession } from './session-tap.js';
import { addPlannedWatch, drawWatchPlan, watchRead } from './watch-ops.js';
import type { WatchPlan } from './watch-ops.js';
import { burstOps } from './burst-ops.js';
import type { InFlightRequests } from './in-flight-requests.js';
import { startProbe, type ProbeRecord } from './liveness-probe.js';

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
  /** A recipe bug planted to prove the checker catches it; null in every honest run. */
  recipeBug: RecipeBug | null;
  /** A watch bug planted on the client's connections; null (or absent) in every honest run. */
  watchBug?: WatchBug | null;
  /** Where the session tap leaves every request in flight, for the liveness checker. */
  requests?: InFlightRequests;
}

/** The session the client runs now: what a probe after the heal needs. */
interface LiveSession {
  context: OpContext;
  seen: SeenVersions;
}

/**
 * Small segments, so that a short run reserves many ranges (each a counter update) and hands
 * out prefetched ones: the generator's default of 1,000 IDs would last a whole run.
 */
const segmentOptions = { step: 4, stepMax: 32, prefetchAt: 0.5 };

export class WorkloadClient {
  readonly process: SimProcess;
  private client: ZooClient | null = null;
  private live: LiveSession | null = null;
  private writes = 0;
  private sessions = 0;
  /** Resolves the wait of the run loop when the host crashes or restarts. */
  private wake: () => void = () => undefined;

  constructor(private readonly options: WorkloadClientOptions) {
    this.process = new SimProcess(`c${options.process}`, options.world);
    this.process.boot();
  }

  /** Issues operations until `stopMs`; resolves when its last op has ended. */
  async run(stopMs: number): Promise<void> {
    const { world } = this.options;
    try {
      while (world.nowMs < stopMs) {
        const woken = new Promise<void>((resolve) => (this.wake = resolve));
        // A crashed host's session never resumes: the loop waits for the restart instead.
        if (this.process.isUp) await Promise.race([this.session(stopMs), woken]);
        else await woken;
      }
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
    if (client !== null && this.process.isUp) await client.close();
  }

  crash(): void {
    if (!this.process.isUp) return;
    const { world, links, timeline } = this.options;
    world.record(`${this.process.name} host crash`);
    this.process.crash();
    this.client = null;
    this.live = null;
    links.resetClient(this.process.name);
    timeline.begin(this.process.name, 'down', 'host crashed', world.nowMs);
    world.hasPendingMicrotasks = true;
    this.wake();
  }

  restart(): void {
    if (this.process.isUp) return;
    const { world, timeline } = this.options;
    world.record(`${this.process.name} host restart`);
    this.process.boot();
    timeline.end(this.process.name, 'down', world.nowMs);
    world.hasPendingMicrotasks = true;
    this.wake();
  }

  pause(forMs: number): void {
    if (!this.process.isUp) return;
    const { world, timeline } = this.options;
    this.process.pause(forMs);
    timeline.begin(this.process.name, 'paused', `paused ${forMs} ms`, world.nowMs);
    world.after(forMs, () => timeline.end(this.process.name, 'paused', world.nowMs));
  }

  private async session(stopMs: number): Promise<void> {
    const { world, links, random, timeline } = this.options;
    const name = this.process.name;
    const log: SessionLog = { process: this.options.process, sessionId: null, entries: [] };
    this.options.history.sessions.push(log);
    this.live = null;
    const env = tapSession(
      simClientEnv({ process: this.process, world, links, random: random.fork() }),
      { world, log, watchBug: this.options.watchBug ?? null, ...this.requestsOption() },
    );
    const client = createClientWithEnv(
      this.options.connectString,
      { sessionTimeoutMs: this.options.sessionTimeoutMs },
      env,
    );
    this.client = client;
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
    const context = this.context(client, env);
    const seen: SeenVersions = new Map();
    this.live = { context, seen };
    const watchPlan = drawWatchPlan(context);
    await addPlannedWatch(context, watchPlan);
    while (!isExpired && world.nowMs < stopMs) {
      await this.oneOp(context, seen, watchPlan);
      await sleep(world, this.process, random.nextInt(0, 40));
    }
    if (isExpired) await client.close();
  }

  private async oneOp(context: OpContext, seen: SeenVersions, plan: WatchPlan): Promise<void> {
    const roll = context.random.nextFloat();
    if (roll < 0.07) return watchRead(context, plan);
    if (roll < 0.12) return burstOps(context, seen);
    if (roll < 0.55) return registerOp(context, seen);
    if (roll < 0.7) return incrementCounter(context);
    if (roll < 0.75) return grantSequentialId(context);
    if (roll < 0.8) return grantSegmentId(context);
    if (roll < 0.9) return lockCycle(context);
    if (roll < 0.94) return leaderTerm(context);
    return createEphemeral(context);
  }

  /**
   * After the heal: the live session (if any) sends a probe that must be answered, or its
   * session must end, within the liveness bound; null when the client has no live session.
   */
  probe(): { record: ProbeRecord; done: Promise<void> } | null {
    const live = this.live;
    const client = this.client;
    if (live === null || client === null || !this.process.isUp) return null;
    const isOver = (): boolean =>
      client.state === 'expired' || client.state === 'closed' || client.state === 'authFailed';
    if (isOver()) return null;
    return startProbe(live.context, live.seen, isOver);
  }

  private requestsOption(): { requests?: { ledger: InFlightRequests; isCurrent: () => boolean } } {
    const ledger = this.options.requests;
    if (ledger === undefined) return {};
    const { incarnation } = this.process;
    const isCurrent = (): boolean => this.process.isUp && this.process.incarnation === incarnation;
    return { requests: { ledger, isCurrent } };
  }

  private context(client: ZooClient, env: ClientEnv): OpContext {
    const { world, history, random, process } = this.options;
    this.sessions += 1;
    const generator = new SegmentIdGenerator(client, segmentsPath, { ...segmentOptions, env });
    return {
      world,
      random,
      history,
      process,
      client,
      env,
      segmentIds: { generator, name: `c${process}#${this.sessions}` },
      recipeBug: this.options.recipeBug,
      nextOpId: this.options.nextOpId,
      uniqueData: () => {
        this.writes += 1;
        return `c${process}-${this.writes}`;
      },
      sleep: (ms) => sleep(world, this.process, ms),
    };
  }
}
