// The ensemble's status from one or more client addresses: each given member is sampled, the
// others are found in their conf (`server.N=…;client`) and sampled too, and ops/s comes from
// the previous round's sample of the same member.

import { sampleMember, withRate, type MemberStatus } from './member-status.js';

export interface EnsembleStatus {
  /** The leading member's id (or the standalone server's), null while there is none. */
  leader: number | null;
  /** `ensemble` (several members), `standalone`, or `unknown` when none answered. */
  kind: 'ensemble' | 'standalone' | 'unknown';
  members: MemberStatus[];
}

export async function sampleEnsemble(
  addresses: readonly string[],
  options: { timeoutMs: number; previous?: EnsembleStatus },
): Promise<EnsembleStatus> {
  const sampled = new Map<string, MemberStatus>();
  let pending = [...new Set(addresses)];
  while (pending.length > 0) {
    const round = await Promise.all(pending.map((a) => sampleMember(a, options.timeoutMs)));
    for (const status of round) sampled.set(status.address, status);
    const found = round.flatMap((status) => status.peers);
    pending = [...new Set(found)].filter((address) => !sampled.has(address));
  }
  const before = new Map(options.previous?.members.map((m) => [m.address, m]) ?? []);
  const members = [...sampled.values()]
    .map((status) => withRate(status, before.get(status.address)))
    .sort(byIdThenAddress);
  const leader = members.find((m) => m.mode === 'leader' || m.mode === 'standalone');
  const answered = members.filter((m) => m.error === null);
  return {
    leader: leader?.id ?? null,
    kind: answered.length === 0 ? 'unknown' : members.length > 1 ? 'ensemble' : kindOf(members),
    members,
  };
}

function kindOf(members: readonly MemberStatus[]): EnsembleStatus['kind'] {
  return members[0]?.mode === 'standalone' ? 'standalone' : 'ensemble';
}

function byIdThenAddress(left: MemberStatus, right: MemberStatus): number {
  const byId = (left.id ?? Number.MAX_SAFE_INTEGER) - (right.id ?? Number.MAX_SAFE_INTEGER);
  return byId !== 0 ? byId : left.address.localeCompare(right.address);
}
