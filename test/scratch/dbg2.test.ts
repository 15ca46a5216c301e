import { test } from 'vitest';
import net from 'node:net';
import { startApacheZooKeeper } from '../support/apache-zookeeper.js';
test('dbg2', async () => {
  const zk = await startApacheZooKeeper({});
  const { fourLetterWord } = await import('../support/four-letter-word.js');
  console.log(await fourLetterWord(zk.host, zk.port, 'srvr'));
  await new Promise((r) => setTimeout(r, 1000));
  console.log(await fourLetterWord(zk.host, zk.port, 'srvr'));
  try {
    const s = net.connect({ host: zk.host, port: zk.port });
    await new Promise<void>((resolve) => {
      s.on('connect', () => s.write(Buffer.from('0000002c0000000000000000000000000000753000000000000000000000001000000000000000000000000000000000', 'hex')));
      s.on('data', (d) => console.log('data', d.toString('hex')));
      s.on('close', () => { console.log('close'); resolve(); });
      setTimeout(() => { s.destroy(); }, 1000);
    });
  } finally { await zk.stop(); }
});
