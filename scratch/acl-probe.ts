import { startApacheZooKeeper } from '../test/support/apache-zookeeper.js';
import { exchangeRaw, connectFrame } from '../test/support/raw-socket.js';
import { JuteWriter } from '../test/support/protocol.js';
import { startServer } from '@zoo/server';
function frame(xid: number, op: number, write: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter({ initialBytes: 64 }); w.writeInt(xid); w.writeInt(op); write(w);
  const body = w.take(); const len = Buffer.alloc(4); len.writeInt32BE(body.length, 0);
  return Buffer.concat([len, body]);
}
const auth = frame(-4, 100, (w) => { w.writeInt(0); w.writeUstring('digest'); w.writeBuffer(Buffer.from('bob:pw')); });
const acls = (w: JuteWriter, list: Array<[string | null, string | null]>) => { w.writeInt(list.length); for (const [s, i] of list) { w.writeInt(31); w.writeUstring(s); w.writeUstring(i); } };
let n = 0;
const create = (list: Array<[string | null, string | null]>) => frame(1, 1, (w) => { w.writeUstring(`/p${n++}`); w.writeBuffer(null); acls(w, list); w.writeInt(0); });
const setAcl = (list: Array<[string | null, string | null]>) => frame(1, 7, (w) => { w.writeUstring('/'); acls(w, list); w.writeInt(-1); });
const getAcl = (path: string) => frame(3, 6, (w) => { w.writeUstring(path); });
const cases: Array<[string, boolean, () => Buffer]> = [
  ['auth null id, authed', true, () => create([['auth', null]])],
  ['auth null id + world, no auth', false, () => create([['auth', null], ['world', 'anyone']])],
  ['digest null id', false, () => create([['digest', null]])],
  ['ip null id', false, () => create([['ip', null]])],
  ['unknown scheme', false, () => create([['foo', 'x']])],
  ['null scheme null id', false, () => create([[null, null]])],
  ['setACL null scheme', false, () => setAcl([[null, 'anyone']])],
  ['setACL auth null id, authed', true, () => setAcl([['auth', null]])],
  ['setACL world null id', false, () => setAcl([['world', null]])],
];
async function probe(name: string, host: string, port: number) {
  n = 0;
  for (const [label, authed, make] of cases) {
    const created = make();
    const path = `/p${n - 1}`;
    const bytes = Buffer.concat([connectFrame(), ...(authed ? [auth] : []), created, getAcl(path)]);
    const r = await exchangeRaw({ host, port, bytes, waitMs: 1500, framesWanted: authed ? 4 : 3 });
    const frames = r.frames.slice(authed ? 2 : 1).map((f) => f.toString('hex').slice(0, 130));
    console.log(`${label} | ${name} | closed=${r.isClosedByServer} | ${frames.join(' ')}`);
  }
}
const zk = await startApacheZooKeeper();
try { await probe('zk ', zk.host, zk.port); } finally { await zk.stop(); }
const zoo = await startServer({ port: 0, logLevel: 'silent' });
try { await probe('zoo', zoo.host, zoo.port); } finally { await zoo.close(); }
