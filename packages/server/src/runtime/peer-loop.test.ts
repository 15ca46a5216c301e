import { describe, expect, test } from 'vitest';
import { Peer } from '../core/peer/peer.js';
import { StandaloneReplication } from '../core/replication/standalone-replication.js';
import type { ReplicatedState, ReplicationEffect } from '../core/replication/replication.js';
import type { PeerMessage } from '../core/zab/messages.js';
import { sha1Digest } from '../adapters/node-env.js';
import { MemoryTxnLog } from './memory-txn-log.js';
import { PeerLoop } from './peer-loop.js';
import type { Env } from './env.js';

/** A standalone replication that notes the time each peer message is stepped at. */
class TimedReplication extends StandaloneReplication {
  readonly steppedAtMs: number[] = [];

  override step(_from: number, _message?: PeerMessage, nowMs?: number): ReplicationEffect[] {
    this.steppedAtMs.push(nowMs ?? Number.NaN);
    return [];
  }
}

describe('PeerLoop', () => {
  test('steps each input at the time it arrives, not at the last tick', () => {
    let clockMs = 1_000;
    let replication: TimedReplication | null = null;
    const peer = new Peer({ startMs: clockMs, digestOf: sha1Digest }, (state: ReplicatedState) => {
      replication = new TimedReplication(1, state);
      return replication;
    });
    const env: Env = {
      clock: { nowMs: () => clockMs },
      scheduler: { defer: () => undefined, every: () => () => undefined },
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
      txnLog: new MemoryTxnLog(),
      peers: { send: () => undefined },
    };
    const loop = new PeerLoop(peer, env, { deliver: () => undefined, flush: () => undefined });
    peer.start();
    loop.drain();
    clockMs = 1_180; // no tick since 1000: the loop ticks every 100 ms at best
    loop.submit({ type: 'peerMessage', from: 2, message: { type: 'ping', zxid: 0n } });
    expect((replication as TimedReplication | null)?.steppedAtMs).toEqual([1_180]);
    loop.close();
  });
});
