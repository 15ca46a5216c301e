// Test support: a Zab driven by hand whose effects its fake host carries out as each call
// returns, as the peer does after every call into replication.

import type { ReplicationEffect } from '../../replication/replication.js';
import type { Txn } from '../../tree/txn.js';
import type { FakeHost } from './fake-host.js';
import type { PeerMessage } from '../messages.js';
import { Zab } from '../zab.js';
import type { DurableState } from '../zab-types.js';

/** A Zab whose effects its fake host carries out as each call returns, as the peer does. */
export class HostedZab extends Zab {
  constructor(
    options: ConstructorParameters<typeof Zab>[0],
    private readonly host: FakeHost,
    durable: DurableState,
  ) {
    super(options, host, durable);
  }
  override start(nowMs: number): ReplicationEffect[] {
    return this.carry(super.start(nowMs));
  }
  override step(from: number, message: PeerMessage, nowMs: number): ReplicationEffect[] {
    return this.carry(super.step(from, message, nowMs));
  }
  override tick(nowMs: number): ReplicationEffect[] {
    return this.carry(super.tick(nowMs));
  }
  override propose(txn: Txn): ReplicationEffect[] {
    return this.carry(super.propose(txn));
  }
  override persisted(upToZxid: bigint): ReplicationEffect[] {
    return this.carry(super.persisted(upToZxid));
  }
  override peerDisconnected(id: number, nowMs: number): ReplicationEffect[] {
    return this.carry(super.peerDisconnected(id, nowMs));
  }
  private carry(effects: ReplicationEffect[]): ReplicationEffect[] {
    this.host.carryOut(effects);
    return effects;
  }
}
