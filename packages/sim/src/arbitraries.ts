// Scenarios as fast-check arbitraries: a fault schedule is a list of timed faults drawn from the
// enabled kinds, so fast-check shrinks a failing run to the few faults that matter. Seeded
// runs (the CLI without fast-check, the suite's fixed seeds) draw from the same arbitrary.

import fc from 'fast-check';
import { serverIds, unsyncedFates } from './scenario.js';
import type { CrashWindow, Fault, FaultKind, FaultStep, Scenario } from './scenario.js';
import { scheduleTemplates, sessionRaceArbitrary, stepsOf } from './schedule-templates.js';
import { withTemplates, type ScheduleUnit } from './schedule-templates.js';
import { profiledFault, unitWeights } from './nemesis/fault-profiles.js';
import { laggingFaults, leaderPairFaults } from './targeted-arbitraries.js';

export type ScenarioBase = Omit<Scenario, 'seed' | 'schedule'>;

const crashWindows: readonly CrashWindow[] = ['duringWrite', 'afterWriteBeforeAck', 'duringSync'];

/** The targets a fault can name in this scenario, shared by every kind's arbitraries. */
interface FaultTargets {
  nodes: number;
  clients: number;
  /** Every server id, voters then observers. */
  ids: number[];
  server: fc.Arbitrary<number>;
  client: fc.Arbitrary<number>;
  serverOrLeader: fc.Arbitrary<number | 'leader'>;
}

function faultTargets(base: ScenarioBase): FaultTargets {
  const { clients } = base;
  // Faults hit observers too: they crash, lose their disks and are cut off like any member.
  const nodes = serverIds(base).length;
  const server = fc.integer({ min: 1, max: nodes });
  const client = fc.integer({ min: 1, max: Math.max(1, clients) });
  const serverOrLeader = fc.oneof(server, fc.constant('leader' as const));
  const ids = Array.from({ length: nodes }, (_, i) => i + 1);
  return { nodes, clients, ids, server, client, serverOrLeader };
}

function faultArbitraries(kind: FaultKind, base: ScenarioBase): fc.Arbitrary<Fault>[] {
  const targets = faultTargets(base);
  const { server } = targets;
  switch (kind) {
    case 'partition':
      return partitionFaults(targets);
    case 'crash':
      return crashFaults(targets);
    case 'pause':
      return pauseFaults(targets);
    case 'clock':
      return [
        fc
          .tuple(server, fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: -500, max: 500 }))
          .map(([id, offsetMs, driftPpm]): Fault => ({
            type: 'clock',
            server: id,
            offsetMs,
            driftPpm,
          })),
      ];
    case 'reset':
      return [server.map((id): Fault => ({ type: 'reset', server: id }))];
    case 'slow':
      return [
        fc
          .tuple(server, fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 200 })))
          .map(([id, extraMs]): Fault => ({ type: 'slow', server: id, extraMs })),
      ];
    case 'disk':
      return diskFaults(targets);
    // Several steps each: drawn as schedule templates (scheduleTemplates).
    case 'multiCrash':
      return [];
    case 'sessionRace':
      return [sessionRaceArbitrary(base)];
    case 'leaderPair':
      return leaderPairFaults(base);
    case 'lagging':
      return laggingFaults(base);
    case 'client':
      return clientFaults(targets);
  }
}

/**
 * A stalling disk, power lost with unsynced writes lost, kept or torn (also mid-write), a
 * failed sync or a full disk, a flipped bit, and restarts to bring the stopped back.
 */
function diskFaults(targets: FaultTargets): fc.Arbitrary<Fault>[] {
  const { server, serverOrLeader } = targets;
  const fate = fc.constantFrom(...unsyncedFates);
  return [
    fc
      .tuple(server, fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })))
      .map(([id, extraMs]): Fault => ({ type: 'diskStall', server: id, extraMs })),
    fc
      .tuple(serverOrLeader, fate)
      .map(([target, unsynced]): Fault => ({ type: 'crash', server: target, unsynced })),
    serverOrLeader.map((target): Fault => ({
      type: 'crashAt',
      server: target,
      window: 'duringWrite',
      unsynced: 'torn',
    })),
    fc
      .tuple(serverOrLeader, fc.constantFrom('EIO' as const, 'ENOSPC' as const))
      .map(([target, code]): Fault => ({ type: 'diskError', server: target, code })),
    server.map((id): Fault => ({ type: 'bitFlip', server: id })),
    server.map((id): Fault => ({ type: 'restart', server: id })),
    server.map((id): Fault => ({ type: 'restart', server: id })),
  ];
}

/** Splits, one-way links, leader isolation, heals; bridge and ring where the ensemble allows. */
function partitionFaults(targets: FaultTargets): fc.Arbitrary<Fault>[] {
  const { nodes, clients, ids, server } = targets;
  if (nodes < 2) return [];
  const split = fc
    .shuffledSubarray(ids, { minLength: 1, maxLength: nodes - 1 })
    .map((side): Fault => {
      const other = ids.filter((id) => !side.includes(id));
      return { type: 'partition', groups: [[...side].sort(), other] };
    });
  const oneWay = fc
    .tuple(server, server)
    .filter(([from, to]) => from !== to)
    .map(([from, to]): Fault => ({ type: 'oneWay', from, to }));
  const heal = fc.constant<Fault>({ type: 'heal' });
  const arbitraries = [split, fc.constant<Fault>({ type: 'isolateLeader' }), oneWay, heal, heal];
  if (nodes >= 3) arbitraries.push(fc.constant<Fault>({ type: 'bridge' }));
  if (nodes >= 5) arbitraries.push(fc.constant<Fault>({ type: 'ring' }));
  if (clients > 0) arbitraries.push(clientPartitionFault(targets));
  return arbitraries;
}

/** Some clients cut off from some servers. */
function clientPartitionFault(targets: FaultTargets): fc.Arbitrary<Fault> {
  const clientIds = Array.from({ length: targets.clients }, (_, i) => i + 1);
  return fc
    .tuple(fc.subarray(clientIds, { minLength: 1 }), fc.subarray(targets.ids, { minLength: 1 }))
    .map(([cutClients, servers]): Fault => ({
      type: 'partitionClients',
      clients: cutClients,
      servers,
    }));
}

/** Server crashes (anywhere or in a named window) and restarts, and the clients' own. */
function crashFaults(targets: FaultTargets): fc.Arbitrary<Fault>[] {
  const { clients, server, client, serverOrLeader } = targets;
  const crash = serverOrLeader.map((target): Fault => ({ type: 'crash', server: target }));
  const crashAt = fc
    .tuple(serverOrLeader, fc.constantFrom(...crashWindows))
    .map(([target, window]): Fault => ({ type: 'crashAt', server: target, window }));
  const restart = server.map((id): Fault => ({ type: 'restart', server: id }));
  const arbitraries = [crash, crashAt, crashAt, restart, restart, restart];
  if (clients > 0) {
    arbitraries.push(
      client.map((id): Fault => ({ type: 'crashClient', client: id })),
      client.map((id): Fault => ({ type: 'restartClient', client: id })),
    );
  }
  return arbitraries;
}

/** Only the clients' faults: their hosts crash, restart and pause, and links to servers break. */
function clientFaults(targets: FaultTargets): fc.Arbitrary<Fault>[] {
  if (targets.clients === 0) return [];
  const { client } = targets;
  const forMs = fc.integer({ min: 100, max: 10_000 });
  return [
    clientPartitionFault(targets),
    client.map((id): Fault => ({ type: 'crashClient', client: id })),
    client.map((id): Fault => ({ type: 'restartClient', client: id })),
    fc
      .tuple(client, forMs)
      .map(([id, ms]): Fault => ({ type: 'pauseClient', client: id, forMs: ms })),
  ];
}

/** A server or a client stops for a while, then carries on. */
function pauseFaults(targets: FaultTargets): fc.Arbitrary<Fault>[] {
  const { clients, client, serverOrLeader } = targets;
  const forMs = fc.integer({ min: 100, max: 10_000 });
  const arbitraries = [
    fc
      .tuple(serverOrLeader, forMs)
      .map(([target, ms]): Fault => ({ type: 'pause', server: target, forMs: ms })),
  ];
  if (clients > 0) {
    arbitraries.push(
      fc
        .tuple(client, forMs)
        .map(([id, ms]): Fault => ({ type: 'pauseClient', client: id, forMs: ms })),
    );
  }
  return arbitraries;
}

/**
 * A fault schedule for `base`: about one fault every 1.5 s of the run, at most, its kinds
 * weighted by the base's profile.
 */
export function scheduleArbitrary(base: ScenarioBase): fc.Arbitrary<FaultStep[]> {
  return scheduleUnitsArbitrary(base).map(stepsOf);
}

/** The schedule as fast-check draws it: single faults and whole templates, each one unit. */
export function scheduleUnitsArbitrary(base: ScenarioBase): fc.Arbitrary<ScheduleUnit[]> {
  const arbitrariesOf = (kind: FaultKind) => faultArbitraries(kind, base);
  const fault = profiledFault(base.faults, base.profile, arbitrariesOf);
  // Without templates, exactly the draws of before: a seed's schedule stays what it was.
  const templates = scheduleTemplates(base);
  if (templates.length > 0) {
    const weights = unitWeights(base.faults, base.profile, arbitrariesOf);
    return withTemplates(base, fault, weights, templates);
  }
  if (fault === null) return fc.constant([]);
  const step = fc.record({ atMs: fc.integer({ min: 0, max: base.durationMs }), fault });
  const maxLength = Math.max(4, Math.floor(base.durationMs / 1500));
  return fc
    .array(step, { maxLength, size: 'max' })
    .map((steps) => steps.map((s): ScheduleUnit => ({ template: null, steps: [s] })));
}

export function scenarioArbitrary(base: ScenarioBase): fc.Arbitrary<Scenario> {
  return fc
    .record({ seed: fc.integer({ min: 0, max: 0x7fff_ffff }), schedule: scheduleArbitrary(base) })
    .map(({ seed, schedule }) => ({ ...base, seed, schedule }));
}

/** The schedule a seed stands for when a scenario gives none. */
export function drawSchedule(scenario: Scenario): FaultStep[] {
  const [schedule] = fc.sample(scheduleArbitrary(scenario), { seed: scenario.seed, numRuns: 1 });
  return schedule ?? [];
}
