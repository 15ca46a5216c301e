// SequentialIdGenerator against the fake server: IDs unique and increasing across clients, the
// children deleted, and a create whose reply (or request) was lost resolved through its GUID.

import { describe, expect, test } from 'vitest';
import type { Request } from '../../protocol/index.js';
import { sequenceOf } from '../support/znode-paths.js';
import { FakeZooServer, drive, useFakeServerClients } from '../testing/fake-server-clients.js';
import { WireTap } from '../testing/wire-tap.js';
import { SequentialIdGenerator } from './sequential-id-generator.js';

const open = useFakeServerClients(100);

const isCreate = (request: Request): boolean => request.type === 'create';

describe('SequentialIdGenerator', () => {
  test('IDs are unique and increase across clients; no child is left behind', async () => {
    const server = new FakeZooServer();
    const sides = [open(server), open(server)];
    const generators = sides.map(
      (side) => new SequentialIdGenerator(side.client, '/ids/orders', { env: side.env }),
    );
    const issued: bigint[] = [];
    for (let round = 0; round < 10; round += 1) {
      for (const [index, generator] of generators.entries()) {
        const side = sides[index];
        if (side === undefined) throw new Error('no client');
        issued.push(await drive(side.env, generator.next()));
      }
    }
    expect([...issued].sort((a, b) => (a < b ? -1 : 1))).toEqual(issued);
    expect(new Set(issued).size).toBe(issued.length);
    const reader = sides[0];
    if (reader === undefined) throw new Error('no client');
    expect(await drive(reader.env, reader.client.getChildren('/ids/orders'))).toEqual([]);
  });

  for (const lose of ['reply', 'request'] as const) {
    test(`a create whose ${lose} was lost yields one ID, from one child`, async () => {
      const server = new FakeZooServer();
      const tap = new WireTap();
      const side = open(server, tap);
      const generator = new SequentialIdGenerator(side.client, '/ids', { env: side.env });
      const first = await drive(side.env, generator.next());
      if (lose === 'reply') tap.dropRepliesTo(isCreate);
      else tap.dropRequests(isCreate);
      const second = await drive(side.env, generator.next());
      const third = await drive(side.env, generator.next());
      expect(tap.lost).toHaveLength(1);
      // Each ID took the same count of sequence numbers: no second child was made for it.
      expect(third - second).toBe(second - first);
      const childCreates = server.log.filter(
        ({ request }) => request.type === 'create' && request.path.startsWith('/ids/'),
      );
      // The first ID's create met NoNode (no parent yet); then one create per ID reached it.
      expect(childCreates).toHaveLength(4);
      expect(await drive(side.env, side.client.getChildren('/ids'))).toEqual([]);
    });
  }

  test('a lost reply to a create that met a missing parent: the parent is made', async () => {
    const server = new FakeZooServer();
    const tap = new WireTap();
    const side = open(server, tap);
    tap.dropRepliesTo(isCreate);
    const generator = new SequentialIdGenerator(side.client, '/new/ids', { env: side.env });
    expect(await drive(side.env, generator.next())).toBeGreaterThanOrEqual(0n);
    expect(tap.lost).toHaveLength(1);
  });

  test('a wrapped (negative) sequence is recognised', () => {
    expect(sequenceOf('ab-0000000042', 'ab-')).toBe(42);
    expect(sequenceOf('ab--2147483648', 'ab-')).toBe(-2147483648);
    expect(() => sequenceOf('ab-42', 'ab-')).toThrow(RangeError);
  });
});
