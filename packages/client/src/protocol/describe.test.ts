// Tests for the one-line printers: exact formats for common messages, one line always, and no
// credentials in the output.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  describeConnectRequest,
  describeNotification,
  describeReply,
  describeRequest,
  formatZxid,
} from './describe.js';

describe('describe', () => {
  test('formats zxids as 0x + lowercase hex, unsigned like Java Long.toHexString', () => {
    expect(formatZxid(0n)).toBe('0x0');
    expect(formatZxid(0x1abn)).toBe('0x1ab');
    expect(formatZxid(-1n)).toBe('0xffffffffffffffff');
  });

  test('prints requests on one line with their main fields', () => {
    expect(describeRequest({ type: 'getData', path: '/a', watch: true })).toBe('getData /a watch');
    expect(
      describeRequest({
        type: 'create',
        variant: 'create2',
        path: '/a b',
        data: Buffer.from('xy'),
        acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
        flags: 1,
        ttl: -1n,
      }),
    ).toBe('create2 "/a b" 2B acl=[31:world:anyone] flags=1');
    expect(
      describeRequest({
        type: 'multi',
        ops: [
          { type: 'delete', path: '/a', version: -1 },
          { type: 'check', path: '/b', version: 2 },
        ],
      }),
    ).toBe('multi[delete /a version=-1, check /b version=2]');
  });

  test('prints replies with the error name, or the body on success', () => {
    expect(describeReply({ header: { xid: 7, zxid: 5n, err: -101 }, body: null })).toBe(
      'reply xid=7 zxid=0x5 err=NoNode(-101)',
    );
    expect(
      describeReply({
        header: { xid: 1, zxid: 16n, err: 0 },
        body: { type: 'multi', results: [{ type: 'error', err: -103 }, { type: 'delete' }] },
      }),
    ).toBe('reply xid=1 zxid=0x10 ok multi[error BadVersion(-103), delete]');
  });

  test('prints notifications with event and state names', () => {
    expect(describeNotification({ zxid: -1n, event: { type: 3, state: 3, path: '/a' } })).toBe(
      'notification nodeDataChanged /a state=syncConnected zxid=0xffffffffffffffff',
    );
  });

  test('never prints auth bytes or passwords, only their length', () => {
    const secret = Buffer.from('alice:secret');
    expect(describeRequest({ type: 'auth', authType: 0, scheme: 'digest', auth: secret })).toBe(
      'auth digest 12B',
    );
    const line = describeConnectRequest({
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeoutMs: 1,
      sessionId: 1n,
      passwd: secret,
    });
    expect(line).not.toContain('secret');
  });

  test('always prints one line, whatever the path holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (path) => {
        expect(describeRequest({ type: 'sync', path })).not.toMatch(/[\n\r]/);
      }),
    );
  });
});
