// globalOutstandingLimit at the connection layer: past the limit a connection with requests in
// flight stops being read (its stream paused, its frames left buffered), and every request it
// sent is still handed to the peer once replies bring the total back down: nothing is dropped.

import { describe, expect, test } from 'vitest';
import { JuteWriter, encodeRequest } from '@zoo/client/protocol';
import { ClientConnections } from '@zoo/server/internals';
import type { ByteStream, PeerInput } from '@zoo/server/internals';
import { connectFrame } from './support/raw-socket.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function handshakeAndPings(count: number): Buffer {
  const writer = new JuteWriter();
  for (let xid = 1; xid <= count; xid += 1) {
    encodeRequest(writer, xid, { type: 'exists', path: '/', watch: false });
  }
  return Buffer.concat([connectFrame(), writer.take()]);
}

/** A registry over a recording stream; deferred tasks wait in `deferred` until run. */
function harness(limit: number) {
  const submitted: PeerInput[] = [];
  const deferred: Array<() => void> = [];
  const pauses: string[] = [];
  const connections = new ClientConnections({
    packetBytesMax: 0xfffff,
    log: silent,
    submit: (input) => submitted.push(input),
    fourLetterWord: () => null,
    globalOutstandingLimit: limit,
    defer: (task) => deferred.push(task),
  });
  const stream: ByteStream = {
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    write: () => undefined,
    end: () => undefined,
    destroy: () => undefined,
    pause: () => pauses.push('pause'),
    resume: () => pauses.push('resume'),
  };
  const connection = connections.open(stream);
  const requests = () => submitted.filter((input) => input.type !== 'connectionOpened');
  /** Answers the oldest `count` unanswered requests, as the peer would. */
  let answered = 0;
  const answer = (count: number): void => {
    for (let i = 0; i < count; i += 1) {
      const input = requests()[answered];
      answered += 1;
      if (input?.type === 'connect') {
        const response = {
          protocolVersion: 0,
          timeoutMs: 30_000,
          sessionId: 1n,
          passwd: Buffer.alloc(16),
        };
        connections.deliver({ kind: 'connectResponse', connectionId: connection.id, response });
      } else if (input?.type === 'request') {
        const header = { xid: input.xid, zxid: 0n, err: 0 };
        const reply = { header, body: null };
        connections.deliver({ kind: 'reply', connectionId: connection.id, reply });
      }
    }
    connections.flush();
  };
  const runDeferred = (): void => {
    for (const task of deferred.splice(0)) task();
  };
  return { connections, connection, requests, answer, runDeferred, pauses, deferred };
}

describe('ClientConnections: globalOutstandingLimit', () => {
  test('past the limit a connection pauses, and every request still reaches the peer', () => {
    const h = harness(10);
    h.connection.receive(handshakeAndPings(100));
    // The handshake and nine requests are within the limit; the tenth crosses it and pauses.
    expect(h.requests()).toHaveLength(11);
    expect(h.pauses).toEqual(['pause']);
    expect(h.connections.gate.outstanding).toBe(11);
    // Held until a reply brings the total back under the limit; then it reads one more frame,
    // which crosses the limit again.
    h.runDeferred();
    expect(h.requests()).toHaveLength(11);
    h.answer(1);
    expect(h.deferred).toHaveLength(1);
    h.runDeferred();
    expect(h.pauses).toEqual(['pause', 'resume', 'pause']);
    expect(h.requests()).toHaveLength(12);
    for (let round = 0; round < 200 && h.requests().length < 101; round += 1) {
      h.answer(h.connections.gate.outstanding);
      h.runDeferred();
    }
    const xids = h.requests().flatMap((input) => (input.type === 'request' ? [input.xid] : []));
    expect(xids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(h.connections.gate.outstanding).toBeLessThanOrEqual(11);
  });

  test('a connection whose requests are all answered reads again at once', () => {
    const h = harness(2);
    h.connection.receive(handshakeAndPings(5));
    expect(h.requests()).toHaveLength(3);
    h.answer(3);
    h.runDeferred();
    expect(h.requests()).toHaveLength(6);
  });

  test('a closed connection gives its requests in flight back to the server total', () => {
    const h = harness(1000);
    h.connection.receive(handshakeAndPings(7));
    expect(h.connections.gate.outstanding).toBe(8);
    h.connections.closed(h.connection);
    expect(h.connections.gate.outstanding).toBe(0);
  });

  test('without a limit (the simulator) nothing is ever paused', () => {
    const h = harness(Infinity);
    h.connection.receive(handshakeAndPings(5000));
    expect(h.requests()).toHaveLength(5001);
    expect(h.pauses).toEqual([]);
  });
});
