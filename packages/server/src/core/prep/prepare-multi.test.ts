import type { MultiOp } from '@zoo/client/protocol';
import { ErrorCode as E } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import { containerEphemeralOwner } from '../tree/ephemeral-type.js';
import { PrepHarness, createRequest, req } from './testing/prep-harness.js';

const setData = (path: string, version = -1): MultiOp => ({
  type: 'setData',
  path,
  data: Buffer.from('v'),
  version,
});
const del = (path: string, version = -1): MultiOp => ({ type: 'delete', path, version });

// ZooKeeper: PrepRequestProcessor.pRequestHelper (multi) + DataTree.processTxn (multi) +
// FinalRequestProcessor (multi); wire sheet §4.4.
describe('multi', () => {
  test('all ops apply with one zxid and one time, each op seeing the earlier ones', () => {
    const h = new PrepHarness();
    h.mkdirs('/m');
    const { txn, reply, events } = h.write(
      req.multi([
        createRequest('/m/a', { variant: 'create' }),
        createRequest('/m/a/b'),
        setData('/m/a', 0),
        req.check('/m/a', 1),
        del('/m/a/b', 0),
      ]),
    );
    expect(txn.body.type).toBe('multi');
    expect(reply).toEqual({
      err: 0,
      body: {
        type: 'multi',
        results: [
          { type: 'create', path: '/m/a', stat: null },
          { type: 'create', path: '/m/a/b', stat: expect.objectContaining({ czxid: txn.zxid }) },
          { type: 'setData', stat: expect.objectContaining({ version: 1, mzxid: txn.zxid }) },
          { type: 'check' },
          { type: 'delete' },
        ],
      },
    });
    expect(h.stat('/m/a')).toMatchObject({ czxid: txn.zxid, mtime: BigInt(h.timeMs), cversion: 2 });
    expect(events.map((e) => `${e.type} ${e.path}`)).toEqual([
      'nodeCreated /m/a',
      'nodeChildrenChanged /m',
      'nodeCreated /m/a/b',
      'nodeChildrenChanged /m/a',
      'nodeDataChanged /m/a',
      'nodeDeleted /m/a/b',
      'nodeChildrenChanged /m/a',
    ]);
  });

  test('two creates under one parent: cversion +2 and pzxid = the multi zxid', () => {
    const h = new PrepHarness();
    h.mkdirs('/p');
    const { txn } = h.write(req.multi([createRequest('/p/1'), createRequest('/p/2')]));
    expect(h.stat('/p')).toMatchObject({ cversion: 2, numChildren: 2, pzxid: txn.zxid });
  });

  test('sequential creates in one multi get consecutive numbers', () => {
    const h = new PrepHarness();
    h.mkdirs('/q');
    const { reply } = h.write(
      req.multi([
        createRequest('/q/s-', { flags: 2, variant: 'create' }),
        createRequest('/q/s-', { flags: 2, variant: 'create' }),
      ]),
    );
    expect(reply.body).toMatchObject({
      results: [{ path: '/q/s-0000000000' }, { path: '/q/s-0000000001' }],
    });
  });

  test('a failing op: 0 before it, its code, −2 after; nothing applied, nothing pending', () => {
    const h = new PrepHarness();
    h.mkdirs('/m');
    const before = h.tree.digest();
    const { txn, reply } = h.write(
      req.multi([createRequest('/m/a'), setData('/m', 5), del('/m'), createRequest('/m/b')]),
    );
    expect(txn.body).toEqual({
      type: 'multiError',
      errs: [0, E.BadVersion, E.RuntimeInconsistency, E.RuntimeInconsistency],
    });
    expect(reply).toEqual({
      err: 0,
      body: {
        type: 'multi',
        results: [
          { type: 'error', err: 0 },
          { type: 'error', err: -103 },
          { type: 'error', err: -2 },
          { type: 'error', err: -2 },
        ],
      },
    });
    expect(h.tree.digest()).toBe(before);
    expect(h.tree.lastZxid).toBe(txn.zxid);
    expect(h.pending.size).toBe(0);
  });

  test('a failed multi leaves no pending state for the next prepared request', () => {
    const h = new PrepHarness();
    const failed = h.prepare(req.multi([createRequest('/a'), del('/missing')]));
    expect(failed.body.type).toBe('multiError');
    expect(h.prepare(createRequest('/a')).body).toMatchObject({
      type: 'create',
      parentCVersion: 1,
    });
    expect(h.prepare(createRequest('/', { flags: 2 })).body).toMatchObject({ path: '/0000000001' });
  });

  test('an empty multi succeeds with no results and still takes a zxid', () => {
    const h = new PrepHarness();
    const { txn, reply } = h.write(req.multi([]));
    expect(txn.zxid).toBe(1n);
    expect(reply).toEqual({ err: 0, body: { type: 'multi', results: [] } });
  });

  test('a create with an unknown flag makes the whole multi a MarshallingError', () => {
    const h = new PrepHarness();
    const { txn, reply } = h.write(req.multi([setData('/'), createRequest('/x', { flags: 7 })]));
    expect(txn.body).toEqual({ type: 'error', err: E.MarshallingError });
    expect(reply).toEqual({ err: E.MarshallingError, body: null });
  });

  test('an op that hits a Java null (a world ACL with a null id) fails the whole multi', () => {
    const h = new PrepHarness();
    const acl = [{ perms: 31, id: { scheme: 'world', id: null } }];
    const { txn, reply } = h.write(req.multi([setData('/'), createRequest('/x', { acl })]));
    expect(txn).toMatchObject({ zxid: 1n, body: { type: 'error', err: E.MarshallingError } });
    expect(reply).toEqual({ err: E.MarshallingError, body: null });
  });

  test('op 1 with the container flag inside a multi is re-read as createContainer', () => {
    const h = new PrepHarness();
    const op = createRequest('/c', { flags: 4, variant: 'create' });
    const { txn, reply } = h.write(req.multi([op]));
    expect(txn.body).toMatchObject({ ops: [{ ephemeralOwner: containerEphemeralOwner }] });
    expect(reply.body).toMatchObject({
      results: [{ type: 'create', path: '/c', stat: { czxid: 1n } }],
    });
  });

  test('createTTL with a non-TTL flag inside a multi becomes a plain op-1 create', () => {
    const h = new PrepHarness();
    const op = createRequest('/t', { flags: 0, ttl: 5000n, variant: 'createTTL' });
    const { txn, reply } = h.write(req.multi([op]));
    expect(txn.body).toMatchObject({ ops: [{ ephemeralOwner: 0n }] });
    expect(reply.body).toMatchObject({ results: [{ type: 'create', path: '/t', stat: null }] });
    const badOp = createRequest('/u', { flags: 9, ttl: 5n, variant: 'createTTL' });
    const bad = h.write(req.multi([badOp]));
    expect(bad.txn.body).toEqual({ type: 'multiError', errs: [E.BadArguments] });
  });

  test('TTL flags on a non-TTL create inside a multi fail the whole multi (−5)', () => {
    const h = new PrepHarness();
    for (const variant of ['create', 'create2', 'createContainer'] as const) {
      const op = createRequest('/t', { flags: 6, variant });
      expect(h.write(req.multi([op])).txn.body).toEqual({ type: 'error', err: E.MarshallingError });
    }
  });

  test('createTTL inside a multi with a bad ttl fails that op with BadArguments', () => {
    const h = new PrepHarness();
    const op = createRequest('/t', { flags: 5, ttl: 0n, variant: 'createTTL' });
    expect(h.write(req.multi([op])).txn.body).toEqual({
      type: 'multiError',
      errs: [E.BadArguments],
    });
    const off = h.write(req.multi([op]), { options: { extendedTypesEnabled: false } });
    expect(off.txn.body).toEqual({ type: 'multiError', errs: [E.Unimplemented] });
  });

  test('a multi deleting a node and re-creating it sees its own delete', () => {
    const h = new PrepHarness();
    h.mkdirs('/r');
    const { reply } = h.write(req.multi([del('/r'), createRequest('/r'), req.check('/r', 0)]));
    expect(reply.body).toMatchObject({
      results: [{ type: 'delete' }, { type: 'create' }, { type: 'check' }],
    });
    expect(h.stat('/r').version).toBe(0);
  });
});
