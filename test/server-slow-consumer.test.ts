// A client that asks and never reads: its replies and watch events pile up in the server's
// socket buffers. Past queuedBytesMax the server closes it as a slow consumer, so what it costs
// the server is bounded, while well-behaved sessions (one that reads big replies one at a time,
// one that takes watch events) go on unhurt.

import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { startServer } from '@zoo/server';
import { JuteWriter, OPEN_ACL_UNSAFE, encodeRequest } from './support/protocol.js';
import { fourLetterWord } from './support/four-letter-word.js';
import { connectFrame } from './support/raw-socket.js';
import { WireClient } from './support/wire-client.js';

const limitBytes = 1 << 20;
const nodeBytes = 500_000;
/** 200 MB of replies asked for: far past the limit and any kernel buffer. */
const readsAsked = 400;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Buffers outside the V8 heap (socket queues, encoded replies), in MB. */
const bufferMb = () => process.memoryUsage().arrayBuffers / 2 ** 20;

/** The server's open client connections, as `srvr` reports them (its own one included). */
async function openConnections(target: { host: string; port: number }): Promise<number> {
  const answer = await fourLetterWord(target, 'srvr');
  return Number(/Connections: (\d+)/.exec(answer)?.[1] ?? NaN);
}

/**
 * Connects, watches every change below `/`, asks for `/big` again and again and never reads:
 * all at once (one turn's replies pass the limit), or one request every 10 ms (the replies fill
 * the kernel's buffers first, then queue in the server's process turn after turn).
 */
function neverReads(
  target: { host: string; port: number },
  pace: 'burst' | 'trickle',
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const writer = new JuteWriter();
    const getData = (xid: number) => {
      encodeRequest(writer, xid, { type: 'getData', path: '/big', watch: true });
    };
    encodeRequest(writer, 1, { type: 'addWatch', path: '/', mode: 1 });
    if (pace === 'burst') for (let xid = 2; xid < readsAsked + 2; xid += 1) getData(xid);
    let xid = 2;
    const trickle = setInterval(() => {
      if (xid >= readsAsked + 2 || socket.destroyed) return clearInterval(trickle);
      getData(xid++);
      socket.write(writer.take());
    }, 10);
    if (pace === 'burst') clearInterval(trickle);
    socket.on('error', () => undefined);
    socket.on('close', () => clearInterval(trickle));
    socket.once('connect', () => {
      socket.pause();
      socket.write(Buffer.concat([connectFrame(30_000), writer.take()]));
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

describe('slow consumers', () => {
  test('a client that never reads is closed at queuedBytesMax; others are unhurt', async () => {
    const warnings: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => warnings.push(message),
      error: (message: string) => warnings.push(message),
    };
    const server = await startServer({ port: 0, queuedBytesMax: limitBytes, logger });
    try {
      const target = { host: server.host, port: server.port };
      const writer = await WireClient.connect(target);
      const made = await writer.request({
        type: 'create',
        variant: 'create',
        path: '/big',
        data: Buffer.alloc(nodeBytes, 7),
        acl: [...OPEN_ACL_UNSAFE],
        flags: 0,
        ttl: -1n,
      });
      expect(made.err).toBe(0);
      const reader = await WireClient.connect(target);
      expect((await reader.request({ type: 'addWatch', path: '/', mode: 1 })).err).toBe(0);
      const startMb = bufferMb();
      let peakMb = startMb;
      const sampler = setInterval(() => (peakMb = Math.max(peakMb, bufferMb())), 2);
      const connectionsBefore = await openConnections(target);
      const stuck = [await neverReads(target, 'burst'), await neverReads(target, 'trickle')];
      // While they are being closed, the others keep reading big replies and taking events.
      let slowestMs = 0;
      for (let round = 0; round < 20; round += 1) {
        const startedAt = performance.now();
        const read = await reader.request({ type: 'getData', path: '/big', watch: false });
        expect(read.err).toBe(0);
        expect(read.body).toMatchObject({ type: 'getData' });
        const written = await writer.request({
          type: 'setData',
          path: '/big',
          data: Buffer.alloc(nodeBytes, round),
          version: -1,
        });
        expect(written.err).toBe(0);
        slowestMs = Math.max(slowestMs, performance.now() - startedAt);
      }
      for (let waited = 0; waited < 20_000 && warnings.length < 2; waited += 50) await sleep(50);
      clearInterval(sampler);
      // Closed on the server's side (the client, paused, cannot see it until it reads again).
      expect(await openConnections(target)).toBe(connectionsBefore);
      for (const socket of stuck) socket.destroy();
      await sleep(50);
      const events = reader.takeNotifications().length;
      const grewMb = Math.round((peakMb - startMb) * 10) / 10;
      console.log(`slow consumer: ${JSON.stringify({ grewMb, slowestMs, events })}`);
      expect(warnings.filter((line) => line.includes('slow consumer'))).toHaveLength(2);
      expect(warnings.filter((line) => !line.includes('slow consumer'))).toEqual([]);
      // 200 MB were asked for; what stayed in the server's buffers is the limit and change.
      expect(grewMb).toBeLessThan(48);
      expect(events).toBe(20);
      expect(slowestMs).toBeLessThan(2_000);
      await reader.close();
      await writer.close();
    } finally {
      await server.close();
    }
  }, 60_000);
});
