// Connect-string parsing and the shuffled round-robin server order.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ServerList, parseConnectString } from './server-list.js';

describe('parseConnectString (ZooKeeper: ConnectStringParser)', () => {
  test('splits hosts and the chroot, defaulting the port to 2181', () => {
    expect(parseConnectString('a:1,b,[::1]:3/app/x')).toEqual({
      servers: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2181 },
        { host: '::1', port: 3 },
      ],
      chroot: '/app/x',
    });
  });

  test('treats a chroot of "/" as none', () => {
    expect(parseConnectString('127.0.0.1:2181/').chroot).toBeNull();
  });

  test.each(['', 'a:0', 'a:x', 'a:1/bad/', '[::1', 'a:1/a//b'])('rejects %j', (text) => {
    expect(() => parseConnectString(text)).toThrow();
  });
});

describe('ServerList', () => {
  test('is a permutation of the servers, visited round-robin', () => {
    const port = fc.integer({ min: 1, max: 65535 });
    const servers = fc.uniqueArray(port, { minLength: 1, maxLength: 7 });
    const random = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
      minLength: 8,
      maxLength: 8,
    });
    fc.assert(
      fc.property(servers, random, (ports, draws) => {
        let i = 0;
        const list = new ServerList(
          ports.map((port) => ({ host: 'h', port })),
          () => draws[i++ % draws.length] ?? 0,
        );
        const visited = ports.map(() => list.next().port);
        expect([...visited].sort((a, b) => a - b)).toEqual([...ports].sort((a, b) => a - b));
        expect(list.next().port).toBe(visited[0]);
      }),
    );
  });

  test('the same random draws give the same order', () => {
    const servers = [1, 2, 3, 4, 5].map((port) => ({ host: 'h', port }));
    const draws = [0.9, 0.1, 0.5, 0.3];
    const order = () => {
      let i = 0;
      return new ServerList(servers, () => draws[i++] ?? 0).list();
    };
    expect(order()).toEqual(order());
    expect(order()).not.toEqual(servers);
  });
});
