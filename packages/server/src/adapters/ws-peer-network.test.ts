// A real ws peer mesh on 127.0.0.1: links, FIFO order, partitions, and peers that misbehave.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodePeerHello, encodePeerHello, encodePeerMessage } from './peer-codec.js';
import {
  ack,
  member,
  rawPeer,
  sleep,
  startCluster,
  waitFor,
  type Member,
} from './testing/peer-network-harness.js';

describe('ws peer network: three servers on 127.0.0.1', () => {
  let members = new Map<number, Member>();
  const net = (id: number) => member(members, id).network;
  const rec = (id: number) => member(members, id).recorder;

  beforeAll(async () => {
    members = await startCluster(3);
  });
  afterAll(async () => {
    for (const { network } of members.values()) await network.close();
  });

  test('every pair connects once and logs the link coming up', () => {
    expect(net(1).connectedPeers()).toEqual([2, 3]);
    expect(net(2).connectedPeers()).toEqual([1, 3]);
    expect(net(3).connectedPeers()).toEqual([1, 2]);
    expect(rec(1).links.sort()).toEqual(['+2', '+3']);
    expect(rec(1).logLines).toContain('info server 1: link to 2 up');
  });

  test('messages flow both ways on every link', async () => {
    const before = rec(1).messages.length + rec(2).messages.length + rec(3).messages.length;
    for (const from of [1, 2, 3]) {
      for (const to of [1, 2, 3]) if (from !== to) net(from).send(to, ack(from * 10 + to));
    }
    const total = () => rec(1).messages.length + rec(2).messages.length + rec(3).messages.length;
    await waitFor('six messages', () => total() === before + 6);
    expect(rec(1).from(2).at(-1)).toEqual(ack(21));
    expect(rec(2).from(1).at(-1)).toEqual(ack(12));
    expect(rec(3).from(2).at(-1)).toEqual(ack(23));
    expect(rec(2).from(3).at(-1)).toEqual(ack(32));
  });

  test('a link is FIFO, within one turn and across turns', async () => {
    const start = rec(1).from(3).length;
    for (let i = 0; i < 3000; i++) net(3).send(1, ack(100_000 + i));
    for (let i = 3000; i < 3100; i++) {
      net(3).send(1, ack(100_000 + i));
      if (i % 10 === 0) await sleep(0);
    }
    await waitFor('3100 messages', () => rec(1).from(3).length === start + 3100);
    const zxids = rec(1)
      .from(3)
      .slice(start)
      .map((m) => (m.type === 'ack' ? Number(m.zxid) : -1));
    expect(zxids).toEqual(Array.from({ length: 3100 }, (_, i) => 100_000 + i));
  });

  test('a dropped link is redialled, and both sides hear it go down and come back', async () => {
    rec(1).links.length = 0;
    rec(3).links.length = 0;
    net(1).dropLink(3);
    await waitFor('link back', () => rec(1).links.length === 2 && rec(3).links.length === 2);
    expect(rec(1).links).toEqual(['-3', '+3']);
    expect(rec(3).links).toEqual(['-1', '+1']);
    net(3).send(1, ack(7));
    await waitFor('message after reconnect', () => rec(1).lastAck(3) === 7n);
    expect(rec(1).from(3).at(-1)).toEqual(ack(7));
  });

  test('cut stops traffic both ways until heal; other links are untouched', async () => {
    rec(1).links.length = 0;
    rec(2).links.length = 0;
    net(1).cut(2);
    await waitFor(
      'both sides down',
      () => rec(1).links.includes('-2') && rec(2).links.includes('-1'),
    );
    const heard = rec(1).from(2).length + rec(2).from(1).length;
    net(1).send(2, ack(1));
    net(2).send(1, ack(2));
    await sleep(300); // several of server 2's redial attempts, each refused
    expect(rec(1).from(2).length + rec(2).from(1).length).toBe(heard);
    expect(net(1).connectedPeers()).toEqual([3]);
    expect(net(2).connectedPeers()).toEqual([3]);
    net(3).send(2, ack(3));
    await waitFor('3 → 2 still works', () => rec(2).lastAck(3) === 3n);
    net(1).heal(2);
    // Both ends must see the link up: a message sent before its own end is up is dropped.
    await waitFor(
      'healed',
      () => net(1).connectedPeers().length === 2 && net(2).connectedPeers().length === 2,
    );
    expect(rec(1).links).toEqual(['-2', '+2']);
    net(2).send(1, ack(42));
    await waitFor('2 → 1 after heal', () => rec(1).lastAck(2) === 42n);
    expect(rec(1).from(2).at(-1)).toEqual(ack(42));
  });

  test('a cut on the dialling side stops its redials until healed', async () => {
    rec(1).links.length = 0;
    net(3).cut(1);
    await waitFor('1 sees 3 go', () => rec(1).links.includes('-3'));
    await sleep(200);
    expect(net(3).connectedPeers()).toEqual([2]);
    expect(rec(1).links).toEqual(['-3']);
    net(3).heal(1);
    await waitFor('redialled', () => net(3).connectedPeers().length === 2);
    expect(rec(1).links).toEqual(['-3', '+3']);
  });

  test('isolate cuts every link of a server until healAll', async () => {
    net(2).isolate();
    await waitFor('2 alone', () => net(2).connectedPeers().length === 0);
    await waitFor('others see it', () => !net(1).connectedPeers().includes(2));
    await sleep(200);
    expect(net(2).connectedPeers()).toEqual([]);
    expect(net(1).connectedPeers()).toEqual([3]);
    net(2).healAll();
    await waitFor('all back', () => [1, 2, 3].every((id) => net(id).connectedPeers().length === 2));
  });

  test('sending to a server with no link drops the message quietly', () => {
    expect(() => net(1).send(9, ack(1))).not.toThrow();
  });
});

describe('ws peer network: hostile or broken peers affect only their own link', () => {
  let members = new Map<number, Member>();
  const net = (id: number) => member(members, id).network;
  const rec = (id: number) => member(members, id).recorder;
  const hello = (serverId: number, to = 1) => encodePeerHello({ serverId, to });

  beforeAll(async () => {
    members = await startCluster(2, {
      extraPeers: [4, 5],
      tuning: { heartbeatIntervalMs: 100, linkSilenceMaxMs: 1000 },
    });
  });
  afterAll(async () => {
    for (const { network } of members.values()) await network.close();
  });

  /** Server 1 still talks to server 2 after whatever the test did. */
  async function expectHealthy(): Promise<void> {
    expect(net(1).connectedPeers()).toContain(2);
    const n = rec(1).from(2).length;
    net(2).send(1, ack(n));
    await waitFor('2 → 1', () => rec(1).from(2).length === n + 1);
  }

  test('a malformed frame after the hello closes that link (1007) and logs why', async () => {
    const peer = await rawPeer(net(1).port);
    peer.socket.send(hello(4));
    await waitFor('hello answered', () => peer.frames.length === 1);
    expect(decodePeerHello(peer.frames[0] ?? Buffer.alloc(0))).toEqual({ serverId: 1, to: 4 });
    await waitFor('4 connected', () => net(1).connectedPeers().includes(4));
    peer.socket.send(Buffer.from([0xc1, 0xff, 0x00]));
    expect((await peer.closed).code).toBe(1007);
    await waitFor('4 gone', () => rec(1).links.includes('-4'));
    expect(rec(1).logLines.some((l) => l.includes('link to 4 down: bad frame'))).toBe(true);
    await expectHealthy();
  });

  test('a well-typed frame with an invalid message also closes the link', async () => {
    const peer = await rawPeer(net(1).port);
    peer.socket.send(hello(4));
    await waitFor('hello answered', () => peer.frames.length === 1);
    const good = encodePeerMessage(ack(1));
    peer.socket.send(Buffer.concat([good, encodePeerHello({ serverId: 4, to: 1 })]));
    expect((await peer.closed).code).toBe(1007);
    await expectHealthy();
  });

  test('a first frame that is not a hello, or a text frame, is refused', async () => {
    const garbage = await rawPeer(net(1).port);
    garbage.socket.send(encodePeerMessage(ack(1)));
    expect((await garbage.closed).code).toBe(1007);
    const text = await rawPeer(net(1).port);
    text.socket.send('hello');
    expect((await text.closed).code).toBe(1003);
    await expectHealthy();
  });

  test('hellos from unknown, own or misaddressed servers are refused (4000)', async () => {
    for (const frame of [hello(9), hello(2, 2), hello(4, 3)]) {
      const peer = await rawPeer(net(2).port);
      peer.socket.send(frame);
      expect((await peer.closed).code).toBe(4000);
    }
    const wrongPath = await rawPeer(net(1).port, { path: '/' });
    expect((await wrongPath.closed).code).toBe(4000);
    expect(net(2).connectedPeers()).toEqual([1]);
  });

  test('a knock from an already linked lower id is refused (4002) and the link stays', async () => {
    rec(2).links.length = 0;
    const knock = await rawPeer(net(2).port);
    knock.socket.send(hello(1, 2));
    expect((await knock.closed).code).toBe(4002);
    await sleep(100);
    expect(rec(2).links).toEqual([]);
    await expectHealthy();
  });

  test('a second connection from the same server replaces the first', async () => {
    rec(1).links.length = 0;
    const first = await rawPeer(net(1).port);
    first.socket.send(hello(5));
    await waitFor('first up', () => rec(1).links.includes('+5'));
    const second = await rawPeer(net(1).port);
    second.socket.send(hello(5));
    await waitFor('second up', () => rec(1).links.length === 3);
    expect(rec(1).links).toEqual(['+5', '-5', '+5']);
    await first.closed;
    second.socket.send(encodePeerMessage(ack(55)));
    await waitFor('message on the new link', () => rec(1).from(5).length === 1);
    second.socket.terminate();
    await waitFor('5 gone', () => rec(1).links.at(-1) === '-5');
  });

  test('a peer that stops answering pings is dropped', async () => {
    const silent = await rawPeer(net(1).port, { autoPong: false });
    silent.socket.send(hello(4));
    await waitFor('4 up', () => net(1).connectedPeers().includes(4));
    const { code } = await silent.closed;
    expect(code).toBe(1006);
    const isLogged = () => rec(1).logLines.some((l) => /link to 4 down: peer silent for/.test(l));
    await waitFor('the reason logged', isLogged);
    await expectHealthy();
  });
});
