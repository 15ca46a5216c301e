import { test } from 'vitest';
import { startApacheZooKeeper } from '../support/apache-zookeeper.js';
import { WireClient } from '../support/wire-client.js';
import { JuteWriter, encodeConnectRequest } from '../support/protocol.js';
test('dbg', async () => {
  const w = new JuteWriter({ initialBytes: 64 });
  encodeConnectRequest(w, { protocolVersion: 0, lastZxidSeen: 0n, timeoutMs: 30000, sessionId: 0n, passwd: Buffer.alloc(16) });
  console.log(w.take().toString('hex'));
  const zk = await startApacheZooKeeper({});
  try {
    const c = await WireClient.connect({ host: zk.host, port: zk.port });
    console.log(c.session);
    console.log(await c.request({ type: 'getData', path: '/zookeeper', watch: false }));
    await c.close();
  } finally { await zk.stop(); }
});
