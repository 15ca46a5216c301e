// Workloads for the recipes' fault tests: several clients run a recipe operation in loops while
// the ensemble's leader is killed, one of them through a WireTap that loses chosen replies on
// the real TCP connection; then the outcomes are checked (no lost or doubled increment; IDs
// unique, increasing per client, and — where promised — in real-time order).

import { expect } from 'vitest';
import { connectTcp } from '../../adapters/tcp-transport.js';
import { nodeClientEnv } from '../../adapters/node-env.js';
import { createClient } from '../../adapters/create-client.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { CounterOutcomeUnknownError } from '../counter/counter-errors.js';
import { RetriesExhaustedError } from '../support/retry.js';
import type { Ensemble } from './ensembles.js';
import type { RequestFilter, WireTap } from './wire-tap.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `count` clients of the whole ensemble; the first one's connections go through `tap`. */
export function openClients(ensemble: Ensemble, count: number, tap: WireTap): ZooClient[] {
  return Array.from({ length: count }, (_, index) => {
    const env = { ...nodeClientEnv(), ...(index === 0 ? { connect: tap.wrap(connectTcp) } : {}) };
    return createClient(ensemble.connectString, {
      sessionTimeoutMs: 10_000,
      reconnectDelayMaxMs: 200,
      env,
    });
  });
}

export interface LeaderKill {
  /** Milliseconds of load before the kill and after the new leader serves. */
  beforeMs: number;
  afterMs: number;
  /** Called once the new leader serves (to arm more lost replies, say). */
  onNewLeader?: () => void;
}

/**
 * Runs `step(client)` in a loop on every client, kills the leader part way, and stops once the
 * load has run `afterMs` on the new leader; then restarts the killed member. An error a step
 * does not handle fails the run.
 */
export async function runThroughLeaderKill(
  ensemble: Ensemble,
  clients: number,
  step: (client: number) => Promise<void>,
  kill: LeaderKill,
): Promise<void> {
  let isStopping = false;
  const errors: unknown[] = [];
  const loops = Array.from({ length: clients }, async (_, client) => {
    while (!isStopping) {
      await step(client);
      await nextTurn();
    }
  }).map((loop) => loop.catch((error: unknown) => void errors.push(error)));
  await sleep(kill.beforeMs);
  const killed = await ensemble.killLeader();
  kill.onNewLeader?.();
  await sleep(kill.afterMs);
  isStopping = true;
  await Promise.all(loops);
  await ensemble.restart(killed);
  if (errors.length > 0) throw errors[0];
}

/** Increments from every client while the leader is killed; client 0 loses setData replies. */
export async function incrementThroughLeaderKill(
  ensemble: Ensemble,
  options: { counters: Array<{ increment(): Promise<unknown> }>; tap: WireTap },
): Promise<IncrementTally> {
  const tally: IncrementTally = { succeeded: 0, values: [], unknown: 0, abandoned: 0 };
  const isSetData: RequestFilter = (request) => request.type === 'setData';
  options.tap.dropRepliesTo(isSetData, 2);
  const step = async (client: number): Promise<void> => {
    const counter = options.counters[client];
    if (counter === undefined) throw new Error(`no counter for client ${client}`);
    try {
      const value = await counter.increment();
      tally.succeeded += 1;
      if (typeof value === 'bigint') tally.values.push(value);
    } catch (error) {
      if (error instanceof CounterOutcomeUnknownError) tally.unknown += 1;
      else if (error instanceof RetriesExhaustedError) tally.abandoned += 1;
      else throw error;
    }
  };
  await runThroughLeaderKill(ensemble, options.counters.length, step, {
    beforeMs: 700,
    afterMs: 700,
    onNewLeader: () => options.tap.dropRepliesTo(isSetData, 2),
  });
  return tally;
}

/** The outcomes of the increments of one run. */
export interface IncrementTally {
  succeeded: number;
  /** The value each successful increment returned (a plain counter's; a shard's says nothing). */
  values: bigint[];
  /** Increments that threw CounterOutcomeUnknownError: applied once or not at all. */
  unknown: number;
  /** Increments that gave up (RetriesExhaustedError with nothing pending): not applied. */
  abandoned: number;
}

/** No increment lost, none doubled: every returned value distinct, the total accounted for. */
export function expectIncrementsExact(tally: IncrementTally, finalValue: bigint): void {
  const succeeded = BigInt(tally.succeeded);
  expect(finalValue).toBeGreaterThanOrEqual(succeeded);
  expect(finalValue).toBeLessThanOrEqual(succeeded + BigInt(tally.unknown));
  if (tally.values.length === 0) return;
  expect(tally.values.length).toBe(tally.succeeded);
  expect(new Set(tally.values).size).toBe(tally.values.length);
  if (tally.unknown === 0) {
    const sorted = [...tally.values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sorted).toEqual(Array.from({ length: tally.values.length }, (_, i) => BigInt(i + 1)));
  }
}

export interface IdGrant {
  id: bigint;
  client: number;
  invokedMs: number;
  completedMs: number;
}

/** Every ID distinct, and each client's IDs in increasing order. */
export function expectUniquePerClientIncreasing(grants: readonly IdGrant[]): void {
  expect(new Set(grants.map((grant) => grant.id)).size).toBe(grants.length);
  const lastByClient = new Map<number, bigint>();
  for (const grant of grants) {
    const last = lastByClient.get(grant.client);
    if (last !== undefined) expect(grant.id).toBeGreaterThan(last);
    lastByClient.set(grant.client, grant.id);
  }
}

/** An ID is greater than every ID whose call completed before its own call began. */
export function expectRealTimeOrder(grants: readonly IdGrant[]): void {
  const byCompletion = [...grants].sort((a, b) => a.completedMs - b.completedMs);
  const prefixMax: bigint[] = [];
  for (const grant of byCompletion) {
    const previous = prefixMax[prefixMax.length - 1];
    prefixMax.push(previous === undefined || grant.id > previous ? grant.id : previous);
  }
  for (const grant of grants) {
    let low = 0;
    let high = byCompletion.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((byCompletion[middle]?.completedMs ?? Infinity) < grant.invokedMs) low = middle + 1;
      else high = middle;
    }
    const before = low === 0 ? undefined : prefixMax[low - 1];
    if (before !== undefined) expect(grant.id).toBeGreaterThan(before);
  }
}

/** An ID source on one client, with its setup and teardown. */
export interface IdSource {
  next(): Promise<bigint>;
  close?(): Promise<void>;
}

/** IDs from each client's source while the leader is killed; `tolerated` errors are counted. */
export async function issueThroughLeaderKill(
  ensemble: Ensemble,
  options: {
    clients: ZooClient[];
    tap: WireTap;
    loseRepliesTo: RequestFilter;
    sourceOf: (client: ZooClient) => Promise<IdSource>;
    tolerated: (error: unknown) => boolean;
  },
): Promise<{ grants: IdGrant[]; tolerated: number }> {
  const sources = await Promise.all(options.clients.map((client) => options.sourceOf(client)));
  const grants: IdGrant[] = [];
  let tolerated = 0;
  options.tap.dropRepliesTo(options.loseRepliesTo, 2);
  const step = async (client: number): Promise<void> => {
    const source = sources[client];
    if (source === undefined) throw new Error(`no ID source for client ${client}`);
    const invokedMs = performance.now();
    try {
      const id = await source.next();
      grants.push({ id, client, invokedMs, completedMs: performance.now() });
    } catch (error) {
      if (!options.tolerated(error)) throw error;
      tolerated += 1;
    }
  };
  await runThroughLeaderKill(ensemble, options.clients.length, step, {
    beforeMs: 600,
    afterMs: 600,
    onNewLeader: () => options.tap.dropRepliesTo(options.loseRepliesTo, 2),
  });
  for (const source of sources) await source.close?.();
  return { grants, tolerated };
}
