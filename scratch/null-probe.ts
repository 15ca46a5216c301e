import { startApacheZooKeeper } from '../test/support/apache-zookeeper.js';
import { exchangeRaw, connectFrame } from '../test/support/raw-socket.js';
import { JuteWriter } from '../test/support/protocol.js';
import { startServer } from '@zoo/server';

function frame(xid: number, op: number, write: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter({ initialBytes: 64 }); w.writeInt(xid); w.writeInt(op); write(w);
  const body = w.take(); const len = Buffer.alloc(4); len.writeInt32BE(body.length, 0);
  return Buffer.concat([len, body]);
}
const acl = (w: JuteWriter, scheme: string | null, id: string | null) => { w.writeInt(1); w.writeInt(31); w.writeUstring(scheme); w.writeUstring(id); };
const cases: Array<[string, Buffer]> = [
  ['create null path', frame(1, 1, (w) => { w.writeUstring(null); w.writeBuffer(null); acl(w, 'world', 'anyone'); w.writeInt(0); })],
  ['create acl auth null id', frame(1, 1, (w) => { w.writeUstring('/n1'); w.writeBuffer(null); acl(w, 'auth', null); w.writeInt(0); })],
  ['create acl auth empty id', frame(1, 1, (w) => { w.writeUstring('/n2'); w.writeBuffer(null); acl(w, 'auth', ''); w.writeInt(0); })],
  ['create acl null scheme', frame(1, 1, (w) => { w.writeUstring('/n3'); w.writeBuffer(null); acl(w, null, 'anyone'); w.writeInt(0); })],
  ['create acl world null id', frame(1, 1, (w) => { w.writeUstring('/n4'); w.writeBuffer(null); acl(w, 'world', null); w.writeInt(0); })],
  ['create null acl vector', frame(1, 1, (w) => { w.writeUstring('/n5'); w.writeBuffer(null); w.writeInt(-1); w.writeInt(0); })],
  ['delete null path', frame(1, 2, (w) => { w.writeUstring(null); w.writeInt(-1); })],
  ['exists null path', frame(1, 3, (w) => { w.writeUstring(null); w.writeBool(false); })],
  ['getData null path', frame(1, 4, (w) => { w.writeUstring(null); w.writeBool(false); })],
  ['setData null path', frame(1, 5, (w) => { w.writeUstring(null); w.writeBuffer(null); w.writeInt(-1); })],
  ['getACL null path', frame(1, 6, (w) => { w.writeUstring(null); })],
  ['setACL null path', frame(1, 7, (w) => { w.writeUstring(null); acl(w, 'world', 'anyone'); w.writeInt(-1); })],
  ['getChildren null path', frame(1, 8, (w) => { w.writeUstring(null); w.writeBool(false); })],
  ['sync null path', frame(1, 9, (w) => { w.writeUstring(null); })],
  ['getChildren2 null path', frame(1, 12, (w) => { w.writeUstring(null); w.writeBool(false); })],
  ['checkWatches null path', frame(1, 17, (w) => { w.writeUstring(null); w.writeInt(1); })],
  ['removeWatches null path', frame(1, 18, (w) => { w.writeUstring(null); w.writeInt(1); })],
  ['getEphemerals null', frame(1, 103, (w) => { w.writeUstring(null); })],
  ['getAllChildrenNumber null', frame(1, 104, (w) => { w.writeUstring(null); })],
  ['addWatch null path', frame(1, 106, (w) => { w.writeUstring(null); w.writeInt(0); })],
  ['multi empty body', frame(1, 14, () => {})],
  ['multi truncated op', frame(1, 14, (w) => { w.writeInt(1); w.writeBool(false); w.writeInt(-1); w.writeInt(2); w.writeUstring('/x'); })],
  ['multi op null path', frame(1, 14, (w) => { w.writeInt(2); w.writeBool(false); w.writeInt(-1); w.writeUstring(null); w.writeInt(-1); w.writeInt(-1); w.writeBool(true); w.writeInt(-1); })],
  ['multiRead empty body', frame(1, 22, () => {})],
  ['multiRead truncated', frame(1, 22, (w) => { w.writeInt(4); w.writeBool(false); w.writeInt(-1); w.writeUstring('/'); })],
];
async function probe(name: string, host: string, port: number) {
  for (const [label, body] of cases) {
    const bytes = Buffer.concat([connectFrame(), body, frame(7, 11, () => {})]);
    const r = await exchangeRaw({ host, port, bytes, waitMs: 1500, framesWanted: 3 });
    const frames = r.frames.slice(1).map((f) => f.toString('hex'));
    console.log(`${name} | ${label} | closed=${r.isClosedByServer} | ${frames.join(' ')}`);
  }
}
const zk = await startApacheZooKeeper();
try { await probe('zk ', zk.host, zk.port); } finally { await zk.stop(); }
const zoo = await startServer({ port: 0, logLevel: 'silent' });
try { await probe('zoo', zoo.host, zoo.port); } finally { await zoo.close(); }
