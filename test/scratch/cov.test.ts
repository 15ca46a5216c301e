import fc from 'fast-check';
import { test } from 'vitest';
import { diffRunArbitrary } from '../support/diff-ops.js';
import { runOnBoth } from '../support/diff-runner.js';
import { startApacheZooKeeper } from '../support/apache-zookeeper.js';
test('coverage', async () => {
  const a = await startApacheZooKeeper({});
  const b = await startApacheZooKeeper({});
  const hist = new Map<string, number>();
  try {
    const samples = fc.sample(diffRunArbitrary(25), { numRuns: 100, seed: 42 });
    let i = 0;
    for (const ops of samples) {
      i++;
      const [left] = await runOnBoth([a, b], ops, `/cov-${i}`);
      left.outcomes.slice(4).forEach((o, k) => {
        const op = ops[k]!;
        let key = `${op.request.type} ${o.err}`;
        if (op.request.type === 'multi' && o.err === 0 && o.body?.type === 'multi') {
          const failed = o.body.results.find((r) => r.type === 'error' && r.err !== 0);
          key += failed ? ` fail ${(failed as {err:number}).err}` : ` ok n=${o.body.results.length}`;
        }
        if (op.request.type === 'create') key += ` ${op.request.variant}/${op.request.flags}`;
        const notes = o.notifications.flat().length;
        if (notes) hist.set('notifications', (hist.get('notifications') ?? 0) + notes);
        hist.set(key, (hist.get(key) ?? 0) + 1);
      });
    }
  } finally { await a.stop(); await b.stop(); }
  console.log([...hist].sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
}, 120000);
