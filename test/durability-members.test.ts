// A 3-member ensemble of separate processes (one zoo.cfg and data directory each) under write
// load from several clients, its members killed with `kill -9` — one at a time over many
// rounds, the leader included, then all at once — and restarted. Afterwards every acknowledged
// write is on every member and the members' trees are identical. Also prints how long each
// restarted member took to serve again. Bounded in time.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient } from '@zoo/client';
import { decodeEpochs } from '@zoo/server/internals';
import { AckedWriters } from './support/acked-writers.js';
import {
  killGroup,
  liveGroups,
  modeOf,
  spawnMember,
  waitUntilServing,
  writeEnsembleConfigs,
  type MemberConfig,
  type MemberProcess,
  verifyDataDir,
} from './support/member-process.js';
import { readMemberTree } from './support/read-tree.js';

const dir = mkdtempSync(join(tmpdir(), 'zoo-kill9-'));
/** Small, so that checkpoints (snapshot, new log line, purge) happen during the rounds. */
const memberArgs = ['--snap-count', '200'];
const maxRounds = 6;
const minRounds = 3;
const running = new Map<number, MemberProcess>();
const restartTimes: RestartTime[] = [];
let members: MemberConfig[] = [];
/** Acknowledged by either test: all of it must survive to the end. */
const acknowledged = new Set<string>();

interface RestartTime {
  myid: number;
  wasLeader: boolean;
  /** From spawning the process to its listening for clients (Node, tsx, recovery). */
  bootMs: number;
  /** From listening for clients to `srvr` saying leader or follower (election, catch-up). */
  joinMs: number;
}

afterAll(() => {
  for (const pid of liveGroups) killGroup(pid);
  rmSync(dir, { recursive: true, force: true });
  printRestartTimes();
});

const connectString = (): string => members.map((member) => member.address).join(',');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startMembers(which: readonly MemberConfig[]): Promise<MemberProcess[]> {
  const started = await Promise.all(which.map((member) => spawnMember(member, memberArgs)));
  for (const process of started) running.set(process.member.myid, process);
  return started;
}

/** The member `srvr` calls leader, once every member serves. */
async function findLeader(timeoutMs = 20_000): Promise<MemberConfig> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const modes = await Promise.all(members.map((member) => modeOf(member.address)));
    const leader = members[modes.indexOf('leader')];
    if (leader !== undefined && !modes.includes('none')) return leader;
    if (Date.now() > deadline) throw new Error(`no leader: ${modes.join(',')}`);
    await sleep(50);
  }
}

/** Waits until the restarted member serves and records how long that took. */
async function timeRejoin(process: MemberProcess, wasLeader: boolean): Promise<void> {
  const servingAtMs = await waitUntilServing(process.member.address, 30_000);
  restartTimes.push({
    myid: process.member.myid,
    wasLeader,
    bootMs: process.upAtMs - process.spawnedAtMs,
    joinMs: servingAtMs - process.upAtMs,
  });
}

/** Each member's tree after a sync: every acknowledged path present, all trees identical. */
async function expectConsistentTrees(): Promise<void> {
  await findLeader();
  const trees = await Promise.all(members.map((member) => readMemberTree(member.address)));
  const [first = [], ...others] = trees;
  const present = new Set(first.map((line) => line.slice(0, line.indexOf(' '))));
  expect([...acknowledged].filter((path) => !present.has(path))).toEqual([]);
  for (const tree of others) expect(tree).toEqual(first);
}

function printRestartTimes(): void {
  if (restartTimes.length === 0) return;
  const rows = restartTimes.map(
    (time) =>
      `  member ${time.myid}${time.wasLeader ? ' (was leader)' : '              '}  ` +
      `boot ${String(time.bootMs).padStart(5)} ms  join ${String(time.joinMs).padStart(5)} ms`,
  );
  const joins = restartTimes.map((time) => time.joinMs).sort((a, b) => a - b);
  const median = joins[Math.floor(joins.length / 2)] ?? 0;
  console.log(
    `restarted members, boot = spawn → listening, join = listening → srvr leader/follower:\n` +
      `${rows.join('\n')}\n  join median ${median} ms, max ${joins.at(-1) ?? 0} ms`,
  );
}

/**
 * Kills a member with `kill -9` and restarts it, round after round, while the writers go on:
 * `maxRounds`, or fewer when `budgetMs` runs out (boots are slow on a busy machine), but at
 * least `minRounds`.
 */
async function killRounds(options: {
  pickVictim: (leader: MemberConfig) => MemberConfig;
  writers: AckedWriters;
  budgetMs: number;
}): Promise<number> {
  const { pickVictim, writers } = options;
  const deadline = Date.now() + options.budgetMs;
  let rounds = 0;
  for (; rounds < maxRounds && (rounds < minRounds || Date.now() < deadline); rounds++) {
    await sleep(300);
    const leader = await findLeader();
    const victim = pickVictim(leader);
    const before = writers.acknowledged.size;
    killGroup(running.get(victim.myid)?.pid ?? 0);
    await sleep(200);
    const [restarted] = await startMembers([victim]);
    if (restarted === undefined) throw new Error('no restarted member');
    await timeRejoin(restarted, victim === leader);
    // Two of three members were up all along (but for an election): writes went on.
    await findLeader();
    await sleep(300);
    expect(writers.acknowledged.size, `round ${rounds}: writes stalled`).toBeGreaterThan(before);
  }
  return rounds;
}

async function withWriters(parent: string, body: (writers: AckedWriters) => Promise<number>) {
  const writers = new AckedWriters(connectString(), { parent, clients: 4 });
  let rounds = 0;
  try {
    rounds = await body(writers);
  } finally {
    await writers.stop();
    for (const path of writers.acknowledged) acknowledged.add(path);
  }
  console.log(
    `${parent}: ${rounds} kill -9 rounds, ${writers.acknowledged.size} writes acknowledged, ` +
      `${writers.failures} failed or unknown`,
  );
  expect(writers.acknowledged.size).toBeGreaterThan(100);
}

describe('cluster: member processes killed with kill -9 under write load', () => {
  beforeAll(async () => {
    members = await writeEnsembleConfigs(dir, 3);
    await startMembers(members);
    await findLeader(30_000);
    const client = createClient(connectString(), { sessionTimeoutMs: 10_000 });
    for (const parent of ['/leader', '/random', '/wiped', '/all']) await client.create(parent);
    await client.close();
  }, 60_000);

  test('the leader, round after round', async () => {
    await withWriters('/leader', (writers) =>
      killRounds({ pickVictim: (leader) => leader, writers, budgetMs: 30_000 }),
    );
    await expectConsistentTrees();
  }, 60_000);

  test('a random member, round after round', async () => {
    const pickVictim = (): MemberConfig => {
      const member = members[Math.floor(Math.random() * members.length)];
      if (member === undefined) throw new Error('no members');
      return member;
    };
    await withWriters('/random', (writers) =>
      killRounds({ pickVictim, writers, budgetMs: 30_000 }),
    );
    await expectConsistentTrees();
  }, 60_000);

  test('a follower whose data directory was reset rejoins, and only then votes', async () => {
    // `zoo-data reset` empties and marks it: it forgot the epochs it accepted and the txns it
    // acked, so it syncs as an observer from the leader, then follows with a vote (rejoin.ts).
    await withWriters('/wiped', async (writers) => {
      const leader = await findLeader();
      const victim = members.find((member) => member !== leader);
      if (victim === undefined) throw new Error('no follower');
      killGroup(running.get(victim.myid)?.pid ?? 0);
      await sleep(200);
      const root = join(import.meta.dirname, '..');
      // Not execFileSync: the writers' sessions in this process must go on pinging meanwhile.
      await promisify(execFile)('pnpm', ['-s', 'zoo-data', 'reset', victim.dataDir], { cwd: root });
      expect(decodeEpochs(readFileSync(join(victim.dataDir, 'epochs'))).isRejoining).toBe(true);
      const [restarted] = await startMembers([victim]);
      if (restarted === undefined) throw new Error('no restarted member');
      await timeRejoin(restarted, false);
      expect(await modeOf(victim.address)).toBe('follower');
      // Synced: the mark is cleared before it votes.
      expect(decodeEpochs(readFileSync(join(victim.dataDir, 'epochs'))).isRejoining).toBe(
        undefined,
      );
      await sleep(500);
      return 1;
    });
    await expectConsistentTrees();
  }, 60_000);

  test('all members at once, with writes in flight, then all restarted', async () => {
    const writers = new AckedWriters(connectString(), { parent: '/all', clients: 4 });
    await sleep(1_500);
    const leader = await findLeader();
    for (const process of running.values()) killGroup(process.pid);
    await writers.stop(500);
    for (const path of writers.acknowledged) acknowledged.add(path);
    expect(writers.acknowledged.size).toBeGreaterThan(20);
    const restarted = await startMembers(members);
    await Promise.all(restarted.map((process) => timeRejoin(process, process.member === leader)));
    await expectConsistentTrees();
    // The inspector reads what the crashes left, as recovery repaired it: every checksum and
    // record checks. (A record a live member writes at that instant may read as torn: exit 2.)
    for (const member of members) {
      const { code, output } = await verifyDataDir(member.dataDir);
      expect(output).not.toMatch(/CORRUPT/);
      expect([0, 2], output).toContain(code);
    }
  }, 60_000);
});
