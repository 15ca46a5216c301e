// The simulated peer links keep TCP's promise: a message arrives only after every message sent
// before it on the same connection, or the connection breaks. A soak found the mesh losing a
// PROPOSAL to a one-way cut and, the cut healed before the loss broke the link, delivering the
// COMMIT after it (seed 1879027694: "COMMIT 0x1000002e2 before proposal").

import { describe, expect, test } from 'vitest';
import type { PeerInput } from '@zoo/server/internals';
import { SimProcess } from '../node/sim-process.js';
import { World } from '../world/world.js';
import { Connectivity } from './connectivity.js';
import { PeerMesh } from './peer-mesh.js';

function twoServers(): {
  world: World;
  connectivity: Connectivity;
  mesh: PeerMesh;
  inbox: string[];
} {
  const world = new World({ seed: 1 });
  const connectivity = new Connectivity([1, 2]);
  const mesh = new PeerMesh(world, connectivity, world.random('mesh'));
  const inbox: string[] = [];
  for (const id of [1, 2]) {
    const process = new SimProcess(`s${id}`, world);
    process.boot();
    mesh.addServer(id, {
      process,
      submit: (input: PeerInput) => {
        if (id !== 2) return;
        if (input.type === 'peerMessage') inbox.push(`${input.message.type}`);
        else inbox.push(input.type);
      },
    });
  }
  for (const id of [1, 2]) mesh.serverStarted(id);
  return { world, connectivity, mesh, inbox };
}

describe('peer mesh', () => {
  test('a lost message dooms the rest of its connection, even after the heal', async () => {
    const { world, connectivity, mesh, inbox } = twoServers();
    await world.runUntil(1_000);
    expect(inbox).toEqual(['peerConnected']);
    const sender = mesh.sender(1);
    connectivity.oneWay(1, 2);
    connectivity.slow('s1', 50); // the loss breaks the link only after ~50 ms
    sender.send(2, { type: 'ping', zxid: 1n });
    connectivity.slow('s1', 0);
    connectivity.heal();
    // Sent after the heal but on the connection that lost the ping: it must not arrive alone.
    sender.send(2, { type: 'commit', zxid: 1n });
    await world.runUntil(5_000);
    expect(inbox[1]).toBe('peerDisconnected');
    expect(inbox.slice(1)).not.toContain('commit');
  });

  test('after the break, a new connection carries messages again', async () => {
    const { world, connectivity, mesh, inbox } = twoServers();
    await world.runUntil(1_000);
    connectivity.oneWay(1, 2);
    mesh.sender(1).send(2, { type: 'ping', zxid: 1n });
    connectivity.heal();
    await world.runUntil(5_000);
    mesh.sender(1).send(2, { type: 'commit', zxid: 1n });
    await world.runUntil(6_000);
    expect(inbox).toEqual(['peerConnected', 'peerDisconnected', 'peerConnected', 'commit']);
  });
});
