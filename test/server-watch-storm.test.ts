// A watch storm: one multi sets 1,000 nodes, each watched by every watcher connection, so one
// write fires watchers × 1,000 watches at once. Another session's round trips stay under 1 s
// through it, every reading watcher gets all its events, and watchers that stopped reading their
// socket hold no one up. The core hands each fired path's watcher set out whole and the runtime
// fans the events out over several loop turns; a watcher that asks for a node after the write
// was answered still gets every event before that reply.
//
// `pnpm test` fires 10,000 watches. The long run: ZOO_STORM_WATCHERS=100 (100,000 watches) npx
// vitest run test/server-watch-storm.test.ts; the numbers are printed. The bound stays 1 s: with
// 100,000 watches the slowest round trip measured 37–109 ms at load 12–13 on 2 cores, but with
// 10,000 it reached 317 ms at load 15, all of it scheduling noise of a shared machine.

import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { startServer } from '@zoo/server';
import type { ZooServer } from '@zoo/server';
import { FrameReader, JuteWriter, OPEN_ACL_UNSAFE, encodeRequest } from './support/protocol.js';
import type { Request } from './support/protocol.js';
import { connectFrame } from './support/raw-socket.js';
import { WireClient } from './support/wire-client.js';

const watchers = Number(process.env['ZOO_STORM_WATCHERS'] ?? 10);
const nodes = Number(process.env['ZOO_STORM_NODES'] ?? 1_000);
const nodePath = (index: number) => `/storm/n${String(index).padStart(5, '0')}`;

let server: ZooServer | null = null;
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = null;
});

/** A raw connection that sets a data watch on every node, then counts what arrives. */
interface Watcher {
  socket: net.Socket;
  /** Frames received: the ConnectResponse, one reply per getData, then the notifications. */
  frames: number;
  /** Notifications (xid −1) received before the reply with xid `probeXid`, once it came. */
  eventsBeforeProbe: number | null;
  events: number;
}

/** A read sent by one watcher once the storm's write was answered. */
const probeXid = 1_000_000;

function watchEveryNode(target: ZooServer): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    sockets.push(socket);
    const reader = new FrameReader();
    const watcher: Watcher = { socket, frames: 0, eventsBeforeProbe: null, events: 0 };
    const writer = new JuteWriter();
    for (let index = 0; index < nodes; index += 1) {
      encodeRequest(writer, index + 1, { type: 'getData', path: nodePath(index), watch: true });
    }
    socket.once('connect', () => socket.write(Buffer.concat([connectFrame(), writer.take()])));
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let frame = reader.next(); frame !== null; frame = reader.next()) {
        watcher.frames += 1;
        const xid = watcher.frames > 1 ? frame.readInt32BE(0) : 0;
        if (xid === -1) watcher.events += 1;
        if (xid === probeXid) watcher.eventsBeforeProbe = watcher.events;
      }
      if (watcher.frames === nodes + 1) resolve(watcher);
    });
    socket.once('error', reject);
  });
}

async function createNodes(client: WireClient): Promise<void> {
  const create = (path: string): Request => ({
    type: 'create',
    variant: 'create',
    path,
    data: Buffer.from('0'),
    acl: [...OPEN_ACL_UNSAFE],
    flags: 0,
    ttl: -1n,
  });
  expect((await client.request(create('/storm'))).err).toBe(0);
  const created = await Promise.all(
    Array.from({ length: nodes }, (_, index) => client.request(create(nodePath(index)))),
  );
  expect(created.every((result) => result.err === 0)).toBe(true);
}

describe('watch storm', () => {
  test(`one write firing ${watchers * nodes} watches does not stall another session`, async () => {
    server = await startServer({ port: 0, maxClientCnxns: 0, logLevel: 'warn' });
    const writer = await WireClient.connect({ host: server.host, port: server.port });
    await createNodes(writer);
    const all = await Promise.all(Array.from({ length: watchers }, () => watchEveryNode(server!)));
    // A tenth of the watchers never read again: their events pile up in their sockets.
    const stalled = all.slice(0, Math.ceil(watchers / 10));
    for (const watcher of stalled) watcher.socket.pause();
    const bystander = await WireClient.connect({ host: server.host, port: server.port });
    let slowestMs = 0;
    let isStorming = true;
    const timing = (async () => {
      while (isStorming) {
        const startedAt = performance.now();
        const result = await bystander.request({ type: 'exists', path: '/storm', watch: false });
        expect(result.err).toBe(0);
        slowestMs = Math.max(slowestMs, performance.now() - startedAt);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    const startedAt = performance.now();
    const ops = Array.from({ length: nodes }, (_, index) => ({
      type: 'setData' as const,
      path: nodePath(index),
      data: Buffer.from('1'),
      version: -1,
    }));
    expect((await writer.request({ type: 'multi', ops })).err).toBe(0);
    const reading = all.slice(stalled.length);
    // The write is answered: a read of a changed node must come after every event about it.
    const probe = reading.at(-1)!;
    const probeFrame = new JuteWriter();
    encodeRequest(probeFrame, probeXid, { type: 'getData', path: nodePath(0), watch: false });
    probe.socket.write(probeFrame.take());
    while (reading.some((watcher) => watcher.events < nodes)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    while (probe.eventsBeforeProbe === null) await new Promise((resolve) => setTimeout(resolve, 5));
    const stormMs = Math.round(performance.now() - startedAt);
    isStorming = false;
    await timing;
    expect(probe.eventsBeforeProbe).toBe(nodes);
    const summary = { watches: watchers * nodes, stormMs, slowestMs: Math.round(slowestMs) };
    console.log(`watch storm: ${JSON.stringify(summary)}`);
    expect(slowestMs).toBeLessThan(1_000);
    await bystander.close();
    await writer.close();
  }, 120_000);
});
