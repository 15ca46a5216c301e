// Schedule templates: short, targeted runs of faults in the windows where ZAB implementations lost
// data (see /work/shared/ref/zookeeper-facts.md §2.5), and a session's ephemeral racing its end.
// A uniform schedule almost never lines two crashes up inside one election or one sync; these
// do. Each template is an arbitrary of several steps, so fast-check shrinks its gaps, its targets
// and its restart order, or drops it whole.

import fc from 'fast-check';
import { serverIds, unsyncedFates } from './scenario.js';
import type { Fault, FaultStep, Scenario, UnsyncedFate } from './scenario.js';

type TemplateBase = Pick<Scenario, 'nodes' | 'observers' | 'durationMs' | 'faults'>;

interface Drawn {
  atMs: number;
  /** A voter: the learner the template hits first. */
  learner: number;
  /** Added to the learner's id (mod voters, never 0): another voter. */
  otherOffset: number;
  fate: UnsyncedFate;
  gapMs: number;
  lagMs: number;
  /** Every server, in the order the template restarts them. */
  restartOrder: number[];
  restartGapMs: number;
}

/** The crash templates (`multiCrash`), each named for the class of bug it aims at. */
export const crashTemplateNames = [
  'epochThenLeader',
  'ackThenLeader',
  'syncThenLeader',
  'wholeEnsemble',
] as const;
export type TemplateName = (typeof crashTemplateNames)[number] | 'raceThenLeaderCrash';

/** The fault kinds that bring templates. */
export type TemplateKind = 'multiCrash' | 'sessionRace';

export interface ScheduleTemplate {
  name: TemplateName;
  kind: TemplateKind;
  arbitrary: fc.Arbitrary<FaultStep[]>;
}

/** One unit of a schedule: a single fault (template null) or a whole template's steps. */
export interface ScheduleUnit {
  template: TemplateName | null;
  steps: FaultStep[];
}

/** The templates `base` enables: `multiCrash` for the crash ones, `sessionRace` for its own. */
export function scheduleTemplates(base: TemplateBase): ScheduleTemplate[] {
  const named: { name: TemplateName; kind: TemplateKind }[] = [];
  if (base.faults.includes('multiCrash')) {
    named.push(...crashTemplateNames.map((name) => ({ name, kind: 'multiCrash' as const })));
  }
  if (base.faults.includes('sessionRace')) {
    named.push({ name: 'raceThenLeaderCrash', kind: 'sessionRace' });
  }
  return named.map(({ name, kind }) => ({ name, kind, arbitrary: templateArbitrary(name, base) }));
}

/** One template's schedules for `base`, every step within the run. */
export function templateArbitrary(
  name: TemplateName,
  base: TemplateBase,
): fc.Arbitrary<FaultStep[]> {
  const drawn = drawnArbitrary(base);
  switch (name) {
    case 'epochThenLeader':
      return drawn.map((d) => clamp(epochThenLeader(d, base.nodes), base));
    case 'ackThenLeader':
      return drawn.map((d) => clamp(ackThenLeader(d), base));
    case 'syncThenLeader':
      return drawn.map((d) => clamp(syncThenLeader(d), base));
    case 'wholeEnsemble':
      return drawn.map((d) => clamp(wholeEnsemble(d, base.nodes), base));
    case 'raceThenLeaderCrash':
      return fc
        .tuple(drawn, sessionRaceArbitrary(base))
        .map(([d, race]) => clamp(raceThenLeaderCrash(d, race), base));
  }
}

/**
 * A schedule of single faults and templates, as units. A template is one unit of several steps:
 * shrinking drops it whole or shrinks inside it. The weights say how often each unit is drawn
 * (nemesis/fault-profiles.ts: under `even` a template weighs as much as one fault arbitrary, so
 * that in a mixed schedule they are a part, not the whole; a profile weighs them by their kind).
 */
export function withTemplates(
  base: TemplateBase,
  /** One fault of the enabled single-step kinds (weighted by the profile), or null if none. */
  fault: fc.Arbitrary<Fault> | null,
  weights: { single: number; template: (kind: TemplateKind) => number },
  templates: readonly ScheduleTemplate[],
): fc.Arbitrary<ScheduleUnit[]> {
  // As many units as scheduleArbitrary draws faults; only a few when they are all templates.
  const maxLength = Math.max(4, Math.floor(base.durationMs / 1500));
  const atMs = fc.integer({ min: 0, max: base.durationMs });
  const single = fault === null ? [] : [fc.record({ atMs, fault })];
  const singleUnit = (step: FaultStep): ScheduleUnit => ({ template: null, steps: [step] });
  const units = fc.oneof(
    ...single.map((step) => ({ arbitrary: step.map(singleUnit), weight: weights.single })),
    ...templates
      .map(({ name, kind, arbitrary }) => ({
        arbitrary: arbitrary.map((steps): ScheduleUnit => ({ template: name, steps })),
        weight: weights.template(kind),
      }))
      .filter((unit) => unit.weight > 0),
  );
  const unitsMax = fault === null ? Math.max(1, Math.floor(maxLength / 3)) : maxLength;
  return fc.array(units, { maxLength: unitsMax, size: 'max' });
}

/** A schedule's steps, by time. */
export function stepsOf(units: readonly ScheduleUnit[]): FaultStep[] {
  return units.flatMap((unit) => unit.steps).sort((a, b) => a.atMs - b.atMs);
}

/** A race of one member's new client: its ephemeral create against its session's end. */
export function sessionRaceArbitrary(base: TemplateBase): fc.Arbitrary<Fault> {
  return fc
    .record({
      server: fc.integer({ min: 1, max: serverIds(base).length }),
      ending: fc.constantFrom('close' as const, 'expire' as const),
      // About the session timeout (4 s) and a tick either side: the create lands near expiry.
      pauseMs: fc.integer({ min: 2_500, max: 5_500 }),
    })
    .map((race): Fault => ({ type: 'sessionRace', ...race }));
}

function drawnArbitrary(base: TemplateBase): fc.Arbitrary<Drawn> {
  const ids = serverIds(base);
  return fc.record({
    atMs: fc.integer({ min: 0, max: base.durationMs }),
    learner: fc.integer({ min: 1, max: base.nodes }),
    otherOffset: fc.integer({ min: 1, max: Math.max(1, base.nodes - 1) }),
    fate: fc.constantFrom(...unsyncedFates),
    gapMs: fc.integer({ min: 0, max: 1_500 }),
    lagMs: fc.integer({ min: 300, max: 3_000 }),
    restartOrder: fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }),
    restartGapMs: fc.integer({ min: 0, max: 800 }),
  });
}

/**
 * ZOOKEEPER-4643/4646 class: the leader dies; a learner crashes right after it makes the new
 * epoch durable, before its ACK (and so before its sync) completes; then another voter — the
 * would-be leader, when it is the one left — crashes too. Then everyone restarts, in some order.
 */
function epochThenLeader(d: Drawn, nodes: number): FaultStep[] {
  const other = ((d.learner - 1 + d.otherOffset) % nodes) + 1;
  return [
    step(d.atMs, {
      type: 'crashAt',
      server: d.learner,
      window: 'afterEpochsBeforeAck',
      unsynced: d.fate,
    }),
    step(d.atMs, { type: 'crash', server: 'leader' }),
    step(d.atMs + d.gapMs, { type: 'crash', server: other }),
    ...restarts(d, d.atMs + d.gapMs + d.lagMs),
  ];
}

/** ZOOKEEPER-3911/4685 class: a learner logs a proposal, dies before its ACK; then the leader. */
function ackThenLeader(d: Drawn): FaultStep[] {
  return [
    step(d.atMs, {
      type: 'crashAt',
      server: d.learner,
      window: 'afterWriteBeforeAck',
      unsynced: d.fate,
    }),
    step(d.atMs + Math.floor(d.gapMs / 2), { type: 'crash', server: 'leader' }),
    ...restarts(d, d.atMs + d.gapMs + d.lagMs),
  ];
}

/**
 * ZOOKEEPER-4785/3642/4712 class: a learner falls behind (down for a while), restarts, and dies
 * while its DIFF, TRUNC or SNAP comes in; then the leader that synced it dies.
 */
function syncThenLeader(d: Drawn): FaultStep[] {
  const backMs = d.atMs + d.lagMs;
  return [
    step(d.atMs, { type: 'crash', server: d.learner, unsynced: d.fate }),
    step(backMs, { type: 'restart', server: d.learner }),
    step(backMs, { type: 'crashAt', server: d.learner, window: 'duringSync', unsynced: d.fate }),
    step(backMs + d.gapMs, { type: 'crash', server: 'leader' }),
    ...restarts(d, backMs + d.gapMs + d.lagMs),
  ];
}

/**
 * ZOOKEEPER-1154 class: the leader logs a proposal and dies before it commits (an uncommitted
 * tail on one disk), every voter goes down with it, and they come back in some order.
 */
function wholeEnsemble(d: Drawn, nodes: number): FaultStep[] {
  const others = Array.from({ length: nodes }, (_, i) => i + 1);
  const downMs = d.atMs + Math.floor(d.gapMs / 5);
  return [
    step(d.atMs, {
      type: 'crashAt',
      server: 'leader',
      window: 'afterWriteBeforeAck',
      unsynced: d.fate,
    }),
    ...others.map((id) => step(downMs, { type: 'crash', server: id })),
    ...restarts(d, downMs + d.lagMs),
  ];
}

/** A session race on one member while the leader dies (a close or create forwarded mid-crash). */
function raceThenLeaderCrash(d: Drawn, race: Fault): FaultStep[] {
  const crashMs = d.atMs + Math.floor(d.gapMs / 3);
  return [
    step(d.atMs, race),
    step(crashMs, { type: 'crash', server: 'leader' }),
    ...restarts(d, crashMs + d.lagMs),
  ];
}

function restarts(d: Drawn, fromMs: number): FaultStep[] {
  return d.restartOrder.map((id, index) =>
    step(fromMs + index * d.restartGapMs, { type: 'restart', server: id }),
  );
}

function step(atMs: number, fault: Fault): FaultStep {
  return { atMs, fault };
}

/** Steps past the run's end would strike during the heal: they happen at its end instead. */
function clamp(steps: FaultStep[], base: TemplateBase): FaultStep[] {
  return steps.map((s) => (s.atMs <= base.durationMs ? s : { ...s, atMs: base.durationMs }));
}
