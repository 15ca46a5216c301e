import { test, expect } from 'vitest';
import { runOnBoth } from '../support/diff-runner.js';
import { startApacheZooKeeper } from '../support/apache-zookeeper.js';
test('watch flush', async () => {
  const a = await startApacheZooKeeper({});
  try {
    const ops = [
      { session: 0 as const, request: { type: 'addWatch' as const, path: '@', mode: 1 } },
      { session: 1 as const, request: { type: 'setData' as const, path: '@/a/b', data: null, version: -1 } },
      { session: 0 as const, request: { type: 'addWatch' as const, path: '@/b', mode: 2 } },
      { session: 0 as const, request: { type: 'getData' as const, path: '@/a', watch: true } },
      { session: 1 as const, request: { type: 'setData' as const, path: '@/a', data: null, version: -1 } },
      { session: 1 as const, request: { type: 'exists' as const, path: '@/zz', watch: true } },
      { session: 0 as const, request: { type: 'create' as const, variant: 'create' as const, path: '@/zz', data: null, acl: [{perms: 31, id: {scheme: 'world', id: 'anyone'}}], flags: 0, ttl: -1n } },
    ];
    const [left] = await runOnBoth([a, a], ops, '/w1');
    console.log(JSON.stringify(left.outcomes.map((o) => [o.err, o.notifications]), (_k, v) => typeof v === 'bigint' ? String(v) : v));
  } finally { await a.stop(); }
});
