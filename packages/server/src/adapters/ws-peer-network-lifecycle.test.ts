// A peer network's life: closing it, and a restarted server linking up again at once.

import { describe, expect, test } from 'vitest';
import {
  Recorder,
  ack,
  fastTuning,
  host,
  member,
  sleep,
  startCluster,
  waitFor,
} from './testing/peer-network-harness.js';
import { startWsPeerNetwork, type PeerAddresses, type PeerNetwork } from './ws-peer-network.js';

describe('ws peer network: lifecycle', () => {
  test('a restarted lower id knocks and is called back, not left to the back-off', async () => {
    // A minute of back-off: only the knock can bring server 1's links back within the wait.
    const slow = { reconnectDelayMinMs: 60_000, reconnectDelayMaxMs: 60_000 };
    const members = await startCluster(3, { tuning: slow });
    const peers = new Map(
      [1, 2, 3].map((id) => [id, { host, port: member(members, id).network.port }]),
    );
    const { network: first } = member(members, 1);
    const restarted = new Recorder();
    let again: PeerNetwork | null = null;
    try {
      await first.close();
      await waitFor('2 and 3 see 1 go', () =>
        [2, 3].every((id) => member(members, id).recorder.links.at(-1) === '-1'),
      );
      for (const id of [2, 3]) member(members, id).recorder.links.length = 0;
      again = await startWsPeerNetwork({
        serverId: 1,
        host,
        port: first.port,
        peers,
        log: restarted.log,
        events: restarted.events,
        tuning: slow,
      });
      const isLinked = (network: PeerNetwork) => network.connectedPeers().length === 2;
      await waitFor('1 linked again', () => again !== null && isLinked(again), 2000);
      // 1 reports a link once it has read the dialler's hello and sent its own, before the
      // dialler has read that reply: wait for 2 and 3 to report theirs, then for anything more.
      const seeOne = () => [2, 3].every((id) => member(members, id).recorder.links.includes('+1'));
      await waitFor('2 and 3 see 1 again', seeOne);
      await sleep(200);
      expect(restarted.links.sort()).toEqual(['+2', '+3']);
      for (const id of [2, 3]) expect(member(members, id).recorder.links).toEqual(['+1']);
    } finally {
      await again?.close();
      for (const { network } of members.values()) await network.close();
    }
  });

  test('peers given as a function are read when dialling; close tells the others', async () => {
    const one = new Recorder();
    const two = new Recorder();
    const book = new Map<number, { host: string; port: number }>();
    const peers = (): PeerAddresses => book;
    const a = await startWsPeerNetwork({
      serverId: 1,
      host,
      port: 0,
      peers,
      log: one.log,
      events: one.events,
    });
    book.set(1, { host, port: a.port });
    const b = await startWsPeerNetwork({
      serverId: 2,
      host,
      port: 0,
      peers,
      log: two.log,
      events: two.events,
      tuning: fastTuning,
    });
    book.set(2, { host, port: b.port });
    try {
      // Each end reports the link when its own side of the handshake completes: a may count 2
      // before b has heard back. Closing b in between left b's record empty (found under load).
      await waitFor('linked', () => a.connectedPeers().includes(2) && two.links.includes('+1'));
      await b.close();
      await waitFor('1 sees 2 go', () => one.links.includes('-2'));
      expect(() => b.send(1, ack(1))).not.toThrow();
      expect(two.links).toEqual(['+1']);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
