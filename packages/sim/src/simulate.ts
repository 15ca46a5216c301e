// simulate(scenario): one whole run, a pure function of the scenario. It boots the ensemble on
// virtual time, creates the workload's parents, runs the clients while the nemesis applies the
// schedule, heals everything, checks convergence and leftovers, then runs every checker.

import { performance } from 'node:perf_hooks';
import { createClientWithEnv, ErrorCode, ZooError } from '@zoo/client';
import type { ClientEnv, ZooClient } from '@zoo/client';
import { Counter } from '@zoo/client/recipes';
import { emptyHistory } from './history/history.js';
import type { History, Violation } from './history/history.js';
import type { FaultStep, Scenario, SimResult } from './scenario.js';
import { serverIds } from './scenario.js';
import { drawSchedule } from './arbitraries.js';
import { World } from './world/world.js';
import { TimelineRecorder } from './world/timeline-recorder.js';
import { Connectivity } from './net/connectivity.js';
import { PeerMesh } from './net/peer-mesh.js';
import { ClientLinks } from './net/client-links.js';
import { plantNetworkBugs } from './net/plant-network-bugs.js';
import { SingleSystemImageCheck } from './net/single-system-image.js';
import { SimServer, type ServerStop, type SimPlantedBugs } from './node/sim-server.js';
import { FingerprintTable } from './node/observed-replication.js';
import { SimProcess } from './node/sim-process.js';
import { Nemesis } from './nemesis/nemesis.js';
import { WorkloadClient } from './workload/workload-client.js';
import { simClientEnv } from './workload/sim-client-env.js';
import {
  counterPath,
  leaderResourcePath,
  resourcePath,
  workloadParents,
} from './workload/op-context.js';
import { convergence, leftoverEphemerals, servingLeader } from './final-checks.js';
import { runChecks, timelineOfHistory } from './run-checks.js';
import { EphemeralLifetimes } from './checkers/ephemeral-lifetimes.js';
import { settle, waitFor } from './settle.js';
import { InFlightRequests } from './workload/in-flight-requests.js';
import { healedLiveness } from './healed-liveness.js';

/** ZooKeeper's tickTime, shortened so that a simulated minute holds many sessions and elections. */
export const simTickMs = 1000;
export const simSessionTimeoutMs = 4000;
const setupMaxMs = 60_000;
const healMaxMs = 60_000;
const invariantsIntervalMs = 100;

export async function simulate(scenario: Scenario): Promise<SimResult> {
  const wallStartMs = performance.now();
  validateScenario(scenario);
  const run = buildRun(scenario);
  try {
    await runScenario(run);
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    run.violations.push({ checker: 'crash', message: text });
  }
  return finishRun(run, wallStartMs);
}

/** Everything one run builds before virtual time starts, and what it collects while it runs. */
interface SimRun {
  scenario: Scenario;
  world: World;
  history: History;
  violations: Violation[];
  timeline: TimelineRecorder;
  links: ClientLinks;
  servers: SimServer[];
  schedule: readonly FaultStep[];
  /** Filled once setup is done; the nemesis holds the same array. */
  clients: WorkloadClient[];
  nemesis: Nemesis;
  connectString: string;
  /** Every workload request in flight, for the liveness check after the heal. */
  requests: InFlightRequests;
}

/** The world, its network and servers, and the nemesis, for the scenario's seed. */
function buildRun(scenario: Scenario): SimRun {
  // The order of world.random(...) calls is part of the trace: keep it when editing.
  const world = new World({ seed: scenario.seed });
  const history = emptyHistory();
  const violations: Violation[] = [];
  const timeline = new TimelineRecorder();
  const ids = serverIds(scenario);
  const voters = ids.filter((id) => id <= scenario.nodes);
  const observers = ids.filter((id) => id > scenario.nodes);
  const connectivity = new Connectivity(ids);
  const mesh = new PeerMesh(world, connectivity, world.random('peer-network'));
  const links = new ClientLinks(world, connectivity, world.random('client-network'));
  plantNetworkBugs(scenario.plantedBug, { links, mesh });
  links.observer = new SingleSystemImageCheck(violations, () => world.nowMs);
  const plantedBugs = plantedBugOptions(scenario.plantedBug);
  const ephemerals = new EphemeralLifetimes();
  const fingerprints = new FingerprintTable();
  const servers = ids.map(
    (id) =>
      new SimServer({
        id,
        voters,
        observers,
        tickMs: simTickMs,
        // From the seed, not a random stream (adding one would change every existing trace).
        snapCount: 200 + (scenario.seed % 801),
        world,
        mesh,
        clientLinks: links,
        random: world.random(`server-${id}`),
        record: (event) => history.server.push(event),
        onRole: (server, role, isServing) => {
          const label = isServing ? role : `${role} (not serving)`;
          timeline.begin(`s${server}`, 'role', label, world.nowMs);
        },
        onStopped: onServerStopped({ world, timeline }, violations),
        onViolation: (violation) => violations.push(violation),
        ephemerals,
        fingerprints,
        ...(plantedBugs === undefined ? {} : { plantedBugs }),
      }),
  );
  const schedule = scenario.schedule ?? drawSchedule(scenario);
  const clients: WorkloadClient[] = [];
  const nemesis = new Nemesis({
    world,
    servers,
    clients,
    connectivity,
    mesh,
    links,
    timeline,
    random: world.random('nemesis'),
  });
  const connectString = ids.map((id) => `s${id}:2181`).join(',');
  return {
    scenario,
    world,
    history,
    violations,
    timeline,
    links,
    servers,
    schedule,
    clients,
    nemesis,
    connectString,
    requests: new InFlightRequests(),
  };
}

/** Boots, sets up, runs the workload under the schedule, heals, and checks the end state. */
async function runScenario(run: SimRun): Promise<void> {
  const { world, servers, nemesis, violations } = run;
  checkInvariantsEvery(world, servers);
  for (const server of servers) server.start();
  const { admin, env } = adminClient(world, run.links, run.connectString);
  if (!(await settle(world, setup(admin), setupMaxMs))) {
    throw new Error(`setup did not finish within ${setupMaxMs} ms: no serving quorum`);
  }
  const startMs = world.nowMs;
  nemesis.schedule(run.schedule, startMs);
  addWorkloadClients(run);
  const stopMs = startMs + run.scenario.durationMs;
  const clientRuns = run.clients.map((client) => client.run(stopMs));
  const runs = Promise.all(clientRuns);
  await world.runUntil(stopMs);
  nemesis.healAll();
  const { clients, requests } = run;
  await healedLiveness({ world, clients, requests, runs: clientRuns, violations });
  if (!(await settle(world, runs, healMaxMs))) {
    violations.push({
      checker: 'liveness',
      message: `clients still stuck ${healMaxMs} ms after heal`,
    });
  }
  run.history.finalCounter = await finalCounter(world, new Counter(admin, counterPath, { env }));
  const closes = [...run.clients.map((c) => c.close()), admin.close()];
  await settle(world, Promise.all(closes), 30_000);
  await checkEndState(run);
}

function addWorkloadClients(run: SimRun): void {
  const { world, scenario } = run;
  let opId = 0;
  for (let i = 0; i < scenario.clients; i += 1) {
    const client = new WorkloadClient({
      world,
      links: run.links,
      history: run.history,
      timeline: run.timeline,
      process: i + 1,
      connectString: run.connectString,
      sessionTimeoutMs: simSessionTimeoutMs,
      random: world.random(`client-${i + 1}`),
      nextOpId: () => (opId += 1),
      violations: run.violations,
      recipeBug: scenario.plantedRecipeBug ?? null,
      watchBug: scenario.plantedBug === 'watchAfterReply' ? 'watchAfterReply' : null,
      requests: run.requests,
    });
    run.clients.push(client);
  }
}

/** After the heal: the replicas converge, and no ephemeral outlives its session. */
async function checkEndState(run: SimRun): Promise<void> {
  const { world, servers, violations } = run;
  // Sessions that were lost without a close must expire before ephemerals can be judged: the
  // longest timeout and a tick, counted from when the last leadership began (a soak found a
  // 24.7 s election end with its leader's sessions, renewed at election, not yet expired).
  const expiryMs = 20 * simTickMs + 2 * simTickMs;
  let leader = servingLeader(servers);
  let expiredByMs = world.nowMs + expiryMs;
  const isSettled = (): boolean => {
    const now = servingLeader(servers);
    if (now !== leader) {
      leader = now;
      expiredByMs = Math.max(expiredByMs, world.nowMs + expiryMs);
    }
    return world.nowMs >= expiredByMs && convergence(servers).isConverged;
  };
  const converged = await waitFor(world, isSettled, healMaxMs + expiryMs);
  if (!converged) {
    violations.push({
      checker: 'convergence',
      message: `replicas did not converge after healing: ${convergence(servers).describe}`,
    });
  } else {
    violations.push(...leftoverEphemerals(servers));
  }
}

/** Runs the checkers over the history and gathers the result. */
function finishRun(run: SimRun, wallStartMs: number): SimResult {
  const { world, timeline, violations, history } = run;
  timeline.finish(world.nowMs);
  violations.push(...runChecks(history));
  for (const violation of violations) {
    timeline.instant(
      'faults',
      'violation',
      `${violation.checker}: ${violation.message}`,
      world.nowMs,
    );
  }
  return {
    scenario: run.scenario,
    schedule: run.schedule,
    traceDigest: world.traceDigest(),
    violations,
    history,
    timeline: [...timeline.entries, ...timelineOfHistory(history)],
    stats: {
      simulatedMs: world.nowMs,
      wallMs: performance.now() - wallStartMs,
      events: world.eventsRun,
      faults: run.nemesis.faultsInjected,
      opsChecked: opsIn(history),
    },
  };
}

function validateScenario(scenario: Scenario): void {
  const { nodes, clients, durationMs, seed } = scenario;
  const observers = scenario.observers ?? 0;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) {
    throw new RangeError(`nodes must be 1..9, got ${nodes}`);
  }
  if (!Number.isInteger(observers) || observers < 0 || nodes + observers > 9) {
    throw new RangeError(`observers must be 0..${9 - nodes}, got ${observers}`);
  }
  if (!Number.isInteger(clients) || clients < 0) throw new RangeError(`bad clients ${clients}`);
  if (!(durationMs >= 0)) throw new RangeError(`bad durationMs ${durationMs}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
}

function plantedBugOptions(bug: Scenario['plantedBug']): SimPlantedBugs | undefined {
  if (bug === 'commitWithoutQuorum') return { commitWithoutQuorum: true };
  if (bug === 'ackBeforePersist') return { ackBeforePersist: true };
  if (bug === 'logAckBeforeSync') return { logAckBeforeSync: true };
  if (bug === 'epochsRollBack') return { epochsRollBack: true };
  if (bug === 'ephemeralAfterClose') return { ephemeralAfterClose: true };
  if (bug === 'forwardBehindAck') return { forwardBehindAck: true };
  return undefined;
}

/**
 * A server that stopped by itself shows as down; one whose recovery refused a directory no
 * fault had damaged is a violation (a crash alone must always leave a recoverable directory).
 */
function onServerStopped(
  run: { world: World; timeline: TimelineRecorder },
  violations: Violation[],
) {
  return (stop: ServerStop): void => {
    run.timeline.begin(`s${stop.server}`, 'down', stop.cause, run.world.nowMs);
    if (stop.isRefused && !stop.wasDamaged) {
      violations.push({
        checker: 'disk',
        message: `s${stop.server} ${stop.cause}, and no fault had damaged its disk`,
      });
    }
  };
}

function opsIn(history: History): number {
  return (
    history.znodeOps.length +
    history.counterIncrements.length +
    history.idGrants.length +
    history.lockHolds.length +
    history.fencedWrites.length +
    history.leaderTerms.length +
    history.leaderWrites.length
  );
}

/** The core's own invariants on every live server, every 100 ms of virtual time. */
function checkInvariantsEvery(world: World, servers: readonly SimServer[]): void {
  const check = (): void => {
    for (const server of servers) server.invariants();
    world.after(invariantsIntervalMs, check);
  };
  world.after(invariantsIntervalMs, check);
}

function adminClient(
  world: World,
  links: ClientLinks,
  connectString: string,
): { admin: ZooClient; env: ClientEnv } {
  const process = new SimProcess('c0', world);
  process.boot();
  const env = simClientEnv({ process, world, links, random: world.random('admin') });
  const admin = createClientWithEnv(connectString, { sessionTimeoutMs: 20 * simTickMs }, env);
  return { admin, env };
}

/**
 * Creates the workload's parents, its counter (no data: a Counter at its initial value, 0) and
 * the resources the lock holders and leaders guard, retrying through connection trouble.
 */
async function setup(admin: ZooClient): Promise<void> {
  for (const path of [...workloadParents, counterPath, resourcePath, leaderResourcePath]) {
    for (;;) {
      try {
        await admin.create(path, '');
        break;
      } catch (error) {
        if (error instanceof ZooError && error.code === ErrorCode.NodeExists) break;
        if (!(error instanceof ZooError)) throw error;
      }
    }
  }
}

/** The counter's value as the leader has it (a synced read through the Counter recipe). */
async function finalCounter(world: World, counter: Counter): Promise<number | null> {
  const read = counter.get({ sync: true }).then(Number);
  let value: number | null = null;
  const isSettled = await settle(
    world,
    read.then((v) => (value = v)).catch(() => undefined),
    30_000,
  );
  return isSettled ? value : null;
}
