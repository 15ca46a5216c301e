// The targeted faults of a scenario.json (the leader's pair cut off, a lagging member), read
// back for a replay; write-report.ts validates every other field and fault.

import type { Fault } from '../scenario.js';

type TargetedFault = Extract<Fault, { type: 'isolateLeaderPair' | 'lagMember' }>;

/** Readers of the fault's fields, each throwing an error that names the bad field. */
export interface FieldReaders {
  /** A server id of the scenario. */
  server(name: string): number;
  /** A duration in ms, ≥ 0. */
  ms(name: string): number;
}

export function parseTargetedFault(type: TargetedFault['type'], read: FieldReaders): TargetedFault {
  switch (type) {
    case 'isolateLeaderPair':
      return { type, follower: read.server('follower') };
    case 'lagMember':
      return {
        type,
        server: read.server('server'),
        delayMs: read.ms('delayMs'),
        forMs: read.ms('forMs'),
      };
  }
}
