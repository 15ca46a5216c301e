import type { Stat } from '@zoo/client/protocol';
import { AssertionError, ErrorCode } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import { createRequest, req } from './testing/prep-harness.js';
import { writeReply } from './to-reply.js';

const stat: Stat = {
  czxid: 1n,
  mzxid: 1n,
  ctime: 5n,
  mtime: 5n,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 1,
  numChildren: 0,
  pzxid: 1n,
};

// ZooKeeper: FinalRequestProcessor — reply bodies per op (wire sheet §4.2, §4.4).
describe('writeReply', () => {
  test.each([
    ['create', null],
    ['create2', stat],
    ['createContainer', stat],
    ['createTTL', stat],
  ] as const)('a %s answers with stat %o', (variant, expected) => {
    const result = { type: 'create', path: '/a0', stat } as const;
    const reply = writeReply(createRequest('/a', { variant }), result);
    expect(reply).toEqual({ err: 0, body: { type: 'create', path: '/a0', stat: expected } });
  });

  test('delete has no body; setData and setACL answer the stat', () => {
    expect(writeReply(req.delete('/a'), { type: 'delete' })).toEqual({ err: 0, body: null });
    expect(writeReply(req.setData('/a'), { type: 'setData', stat })).toEqual({
      err: 0,
      body: { type: 'stat', stat },
    });
    expect(writeReply(req.setAcl('/a', []), { type: 'setACL', stat })).toEqual({
      err: 0,
      body: { type: 'stat', stat },
    });
  });

  test('an error result is header only, for any request', () => {
    expect(writeReply(req.delete('/a'), { type: 'error', err: ErrorCode.NoNode })).toEqual({
      err: ErrorCode.NoNode,
      body: null,
    });
    expect(writeReply(req.multi([]), { type: 'error', err: ErrorCode.MarshallingError })).toEqual({
      err: ErrorCode.MarshallingError,
      body: null,
    });
  });

  test('a failed multi answers err 0 with an error result per op', () => {
    const request = req.multi([req.check('/a', 1), req.check('/b', 1), req.check('/c', 1)]);
    expect(writeReply(request, { type: 'multiError', errs: [0, -101, -2] })).toEqual({
      err: 0,
      body: {
        type: 'multi',
        results: [
          { type: 'error', err: 0 },
          { type: 'error', err: -101 },
          { type: 'error', err: -2 },
        ],
      },
    });
  });

  test('a reply that shows a stat from a result applied without one is a bug', () => {
    const request = createRequest('/a', { variant: 'create' });
    const plain = writeReply(request, { type: 'create', path: '/a', stat: null });
    expect(plain).toEqual({ err: 0, body: { type: 'create', path: '/a', stat: null } });
    const create2 = createRequest('/a', { variant: 'create2' });
    expect(() => writeReply(create2, { type: 'create', path: '/a', stat: null })).toThrow(
      AssertionError,
    );
    expect(() => writeReply(req.setData('/a'), { type: 'setData', stat: null })).toThrow(
      AssertionError,
    );
  });

  test('a result that does not fit the request is a bug', () => {
    expect(() => writeReply(req.delete('/a'), { type: 'setData', stat })).toThrow(AssertionError);
    expect(() =>
      writeReply(req.multi([req.check('/a', 1)]), { type: 'multi', results: [] }),
    ).toThrow(AssertionError);
  });
});
