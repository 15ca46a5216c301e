// Cross-checks the codec against node-zookeeper-client's own Jute implementation (v1.1.3):
// what that client encodes, Zoo decodes to the intended request, and what Zoo encodes, that
// client decodes to the intended values. It covers only the ops that client knows.

import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { decodeConnectRequest, encodeConnectResponse } from './connect-codec.js';
import { FrameReader } from './frame-reader.js';
import { JuteWriter } from './jute-writer.js';
import type { Reply, Request } from './messages.js';
import type { Stat } from './records.js';
import { encodeNotification, encodeReply } from './reply-codec.js';
import { decodeRequest } from './request-codec.js';

interface NzcRecord {
  serialize(buffer: Buffer, offset: number): number;
  deserialize(buffer: Buffer, offset: number): number;
  byteLength(): number;
  [field: string]: unknown;
}
type NzcRecordClass = new (...args: unknown[]) => NzcRecord;
interface NzcJute {
  protocol: Record<string, NzcRecordClass>;
  data: Record<string, NzcRecordClass>;
  Request: new (header: NzcRecord | null, payload: NzcRecord | null) => { toBuffer(): Buffer };
  TransactionRequest: new (ops: unknown[]) => NzcRecord;
  TransactionResponse: new () => NzcRecord & { results: unknown[] };
}

const require = createRequire(import.meta.url);
const jute = require('node-zookeeper-client/lib/jute/index.js') as NzcJute;

function make(module: 'protocol' | 'data', name: string, ...args: unknown[]): NzcRecord {
  const RecordClass = jute[module][name];
  if (RecordClass === undefined) throw new Error(`no ${module}.${name}`);
  return new RecordClass(...args);
}

function long(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}

function onlyPayload(frame: Buffer): Buffer {
  const frames = new FrameReader();
  frames.push(frame);
  const payload = frames.next();
  if (payload === null || frames.bufferedBytes !== 0) throw new Error('not exactly one frame');
  return payload;
}

/** Frames a node-zookeeper-client request as it does, and decodes it with Zoo. */
function zooDecodes(xid: number, opCode: number, payload: NzcRecord | null): unknown {
  const header = make('protocol', 'RequestHeader', xid, opCode);
  return decodeRequest(onlyPayload(new jute.Request(header, payload).toBuffer()));
}

const acl = (perms: number, scheme: string, id: string): NzcRecord =>
  make('data', 'ACL', perms, make('data', 'Id', scheme, id));
const stat: Stat = {
  czxid: 3n,
  mzxid: 4n,
  ctime: 1_700_000_000_000n,
  mtime: 1_700_000_000_001n,
  version: 2,
  cversion: -1,
  aversion: 1,
  ephemeralOwner: 0x010000c117460000n,
  dataLength: 5,
  numChildren: 7,
  pzxid: 9n,
};

function expectStat(record: unknown): void {
  const s = record as NzcRecord;
  expect(s['czxid']).toEqual(long(stat.czxid));
  expect(s['ephemeralOwner']).toEqual(long(stat.ephemeralOwner));
  expect([s['version'], s['cversion'], s['aversion'], s['dataLength'], s['numChildren']]).toEqual([
    2, -1, 1, 5, 7,
  ]);
  expect(s['pzxid']).toEqual(long(stat.pzxid));
}

/** Encodes a reply with Zoo and lets node-zookeeper-client read the header and body. */
function clientReads(reply: Reply, bodyName: string | null): NzcRecord | null {
  const w = new JuteWriter();
  encodeReply(w, reply);
  const payload = onlyPayload(w.take());
  const header = make('protocol', 'ReplyHeader');
  const read = header.deserialize(payload, 0);
  expect([header['xid'], header['zxid'], header['err']]).toEqual([
    reply.header.xid,
    long(reply.header.zxid),
    reply.header.err,
  ]);
  if (bodyName === null) return null;
  const body = make('protocol', bodyName);
  body.deserialize(payload, read);
  return body;
}

describe('interoperability with node-zookeeper-client', () => {
  test('decodes its connect request, which has no readOnly byte', () => {
    const record = make(
      'protocol',
      'ConnectRequest',
      0,
      long(0n),
      30_000,
      long(0n),
      Buffer.alloc(16),
    );
    const decoded = decodeConnectRequest(onlyPayload(new jute.Request(null, record).toBuffer()));
    expect(decoded).toStrictEqual({
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeoutMs: 30_000,
      sessionId: 0n,
      passwd: Buffer.alloc(16),
    });
  });

  test('its client reads the connect response Zoo writes', () => {
    const w = new JuteWriter();
    const passwd = Buffer.from('5882333b05c1bec1f6783fce56cd1d44', 'hex');
    encodeConnectResponse(w, { protocolVersion: 0, timeoutMs: 4000, sessionId: 0x77n, passwd });
    const response = make('protocol', 'ConnectResponse');
    response.deserialize(onlyPayload(w.take()), 0);
    expect([response['timeOut'], response['sessionId'], response['passwd']]).toEqual([
      4000,
      long(0x77n),
      passwd,
    ]);
  });

  test('decodes the requests it sends for each of its ops', () => {
    const data = Buffer.from('hello');
    const cases: [number, number, NzcRecord | null, Request][] = [
      [
        0,
        1,
        make('protocol', 'CreateRequest', '/a', data, [acl(31, 'world', 'anyone')], 3),
        {
          type: 'create',
          variant: 'create',
          path: '/a',
          data,
          flags: 3,
          ttl: -1n,
          acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
        },
      ],
      [
        1,
        2,
        make('protocol', 'DeleteRequest', '/a', -1),
        { type: 'delete', path: '/a', version: -1 },
      ],
      [
        2,
        3,
        make('protocol', 'ExistsRequest', '/a', true),
        { type: 'exists', path: '/a', watch: true },
      ],
      [
        3,
        4,
        make('protocol', 'GetDataRequest', '/a', false),
        { type: 'getData', path: '/a', watch: false },
      ],
      [
        4,
        5,
        make('protocol', 'SetDataRequest', '/a', undefined, 4),
        { type: 'setData', path: '/a', data: null, version: 4 },
      ],
      [5, 6, make('protocol', 'GetACLRequest', '/a'), { type: 'getACL', path: '/a' }],
      [
        6,
        7,
        make('protocol', 'SetACLRequest', '/a', [acl(1, 'digest', 'u:h')], 0),
        {
          type: 'setACL',
          path: '/a',
          version: 0,
          acl: [{ perms: 1, id: { scheme: 'digest', id: 'u:h' } }],
        },
      ],
      [
        7,
        12,
        make('protocol', 'GetChildren2Request', '/', true),
        { type: 'getChildren', path: '/', watch: true, withStat: true },
      ],
      [
        -4,
        100,
        make('protocol', 'AuthPacket', 0, 'digest', Buffer.from('u:p')),
        { type: 'auth', authType: 0, scheme: 'digest', auth: Buffer.from('u:p') },
      ],
      [
        8,
        101,
        make('protocol', 'SetWatches', long(5n), ['/d'], [], ['/c']),
        {
          type: 'setWatches',
          version: 1,
          relativeZxid: 5n,
          dataWatches: ['/d'],
          existWatches: [],
          childWatches: ['/c'],
          persistentWatches: [],
          persistentRecursiveWatches: [],
        },
      ],
      [-2, 11, null, { type: 'ping' }],
      [9, -11, null, { type: 'closeSession' }],
    ];
    for (const [xid, opCode, payload, request] of cases) {
      expect(zooDecodes(xid, opCode, payload)).toEqual({ kind: 'request', xid, opCode, request });
    }
  });

  test('decodes its transaction (multi) request', () => {
    const ops = [
      {
        type: 1,
        path: '/a',
        data: Buffer.from('x'),
        mode: 0,
        acls: [{ toRecord: () => acl(31, 'world', 'anyone') }],
      },
      { type: 13, path: '/a', version: 0 },
      { type: 5, path: '/a', data: Buffer.from('y'), version: 0 },
      { type: 2, path: '/a', version: 1 },
    ];
    expect(zooDecodes(3, 14, new jute.TransactionRequest(ops))).toEqual({
      kind: 'request',
      xid: 3,
      opCode: 14,
      request: {
        type: 'multi',
        ops: [
          {
            type: 'create',
            variant: 'create',
            path: '/a',
            data: Buffer.from('x'),
            flags: 0,
            ttl: -1n,
            acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
          },
          { type: 'check', path: '/a', version: 0 },
          { type: 'setData', path: '/a', data: Buffer.from('y'), version: 0 },
          { type: 'delete', path: '/a', version: 1 },
        ],
      },
    });
  });

  test('its client reads the success bodies Zoo writes for its ops', () => {
    const header = { xid: 1, zxid: 12n, err: 0 };
    const createBody = { type: 'create' as const, path: '/a0000000001', stat: null };
    const created = clientReads({ header, body: createBody }, 'CreateResponse');
    expect(created?.['path']).toBe('/a0000000001');
    expectStat(clientReads({ header, body: { type: 'stat', stat } }, 'ExistsResponse')?.['stat']);
    const got = clientReads(
      { header, body: { type: 'getData', data: Buffer.from('hi'), stat } },
      'GetDataResponse',
    );
    expect(got?.['data']).toEqual(Buffer.from('hi'));
    expectStat(got?.['stat']);
    const acls = clientReads(
      {
        header,
        body: { type: 'getACL', stat, acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }] },
      },
      'GetACLResponse',
    );
    const first = (acls?.['acl'] as NzcRecord[])[0];
    expect(first?.['perms']).toBe(31);
    const childrenBody = { type: 'getChildren' as const, children: ['b', 'c'], stat };
    const children = clientReads({ header, body: childrenBody }, 'GetChildren2Response');
    expect(children?.['children']).toEqual(['b', 'c']);
    expectStat(children?.['stat']);
    expect(clientReads({ header: { xid: 2, zxid: 5n, err: -101 }, body: null }, null)).toBeNull();
  });

  test('its client reads a multi response Zoo writes', () => {
    const w = new JuteWriter();
    encodeReply(w, {
      header: { xid: 4, zxid: 20n, err: 0 },
      body: {
        type: 'multi',
        results: [
          { type: 'create', path: '/a', stat: null },
          { type: 'check' },
          { type: 'setData', stat },
          { type: 'delete' },
          { type: 'error', err: -2 },
        ],
      },
    });
    const response = new jute.TransactionResponse();
    response.deserialize(onlyPayload(w.take()), 16);
    expect(response.results.map((r) => (r as { type: number }).type)).toEqual([1, 13, 5, 2, -1]);
    expect(response.results[0]).toEqual({ type: 1, path: '/a' });
    expect(response.results[4]).toEqual({ type: -1, err: -2 });
  });

  test('its client reads a notification Zoo writes', () => {
    const w = new JuteWriter();
    encodeNotification(w, { zxid: -1n, event: { type: 4, state: 3, path: '/p' } });
    const payload = onlyPayload(w.take());
    const event = make('protocol', 'WatcherEvent');
    event.deserialize(payload, 16);
    expect([event['type'], event['state'], event['path']]).toEqual([4, 3, '/p']);
  });
});
