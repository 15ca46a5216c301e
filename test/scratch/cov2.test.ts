import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
import fc from 'fast-check';
import { test } from 'vitest';
import { diffRunArbitrary } from '../support/diff-ops.js';
import { runOnBoth } from '../support/diff-runner.js';
import { startApacheZooKeeper } from '../support/apache-zookeeper.js';
import { describeRequest } from '../support/protocol.js';
test('crash', async () => {
  const a = await startApacheZooKeeper({ diagnosticLogging: true });
  const b = await startApacheZooKeeper({});
  try {
    const samples = fc.sample(diffRunArbitrary(25), { numRuns: 100, seed: 42 });
    let i = 0;
    let prev: typeof samples[number] = [];
    for (const ops of samples) {
      i++;
      try { await runOnBoth([a, b], ops, `/cov-${i}`); prev = ops; } catch (e) {
        console.log('run', i, String(e), a.port, b.port, a.isRunning(), b.isRunning());
        console.log(prev.map((o) => `s${o.session} ${describeRequest(o.request)}`).join('\n'));
        await new Promise((r) => setTimeout(r, 2000));
        const { fourLetterWord } = await import('../support/four-letter-word.js');
        console.log('after 2s', a.isRunning(), await fourLetterWord(a.host, a.port, 'srvr').catch(String));
        require('node:fs').writeFileSync('/tmp/zkout.log', a.output());
        break;
      }
    }
  } finally { await a.stop(); await b.stop(); }
}, 120000);
