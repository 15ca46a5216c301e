// Opens `count` client connections to a server, each with a session established, prints
// `ready <count>` and then holds them, sending nothing, until it is killed. Run as its own process
// so that the client ends' file descriptors and memory are not the measured server's.
//
// node --import tsx --conditions=zoo-source idle-clients-child.ts '{"host":…,"port":…,"count":…}'

import net from 'node:net';
import { FrameReader } from './protocol.js';
import { connectFrame } from './raw-socket.js';

interface IdlePlan {
  host: string;
  port: number;
  count: number;
  /** Requested session timeout: long enough to outlast the measurement without pings. */
  sessionTimeoutMs: number;
}

const batchSize = 250;
const held: net.Socket[] = [];

/** One connection whose session is established (its ConnectResponse arrived). */
function openSession(plan: IdlePlan): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: plan.host, port: plan.port });
    const reader = new FrameReader();
    socket.once('connect', () => socket.write(connectFrame(plan.sessionTimeoutMs)));
    const onData = (chunk: Buffer): void => {
      reader.push(chunk);
      if (reader.next() === null) return;
      socket.off('data', onData);
      // Nothing more is read: an idle client, as far as the server can tell.
      held.push(socket);
      resolve();
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before its session was established')));
  });
}

const argument = process.argv[2];
if (argument !== undefined) {
  const plan = JSON.parse(argument) as IdlePlan;
  for (let opened = 0; opened < plan.count; opened += batchSize) {
    const batch = Math.min(batchSize, plan.count - opened);
    await Promise.all(Array.from({ length: batch }, () => openSession(plan)));
  }
  process.stdout.write(`ready ${held.length}\n`);
  // Held until the parent kills this process.
  setInterval(() => undefined, 60_000);
}
