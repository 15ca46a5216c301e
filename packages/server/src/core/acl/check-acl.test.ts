import type { Acl } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import { checkAcl, isSuper } from './check-acl.js';
import type { Identity } from './identity.js';

const acl = (perms: number, scheme: string, id: string): Acl => ({ perms, id: { scheme, id } });
const ip = (id: string): Identity => ({ scheme: 'ip', id });
const digest = (id: string): Identity => ({ scheme: 'digest', id });
const alice = 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=';

// ZooKeeper: ZooKeeperServer.checkACL with the IP and Digest providers of 3.8.
describe('checkAcl', () => {
  test('an empty ACL list allows everything', () => {
    expect(checkAcl([], 31, [])).toBe(true);
  });

  test('world:anyone allows only the bits it grants', () => {
    const readOnly = [acl(1, 'world', 'anyone')];
    expect(checkAcl(readOnly, 1, [])).toBe(true);
    expect(checkAcl(readOnly, 2, [])).toBe(false);
    expect(checkAcl(readOnly, 1 | 16, [])).toBe(true);
  });

  test('world with an id other than anyone matches nobody', () => {
    expect(checkAcl([acl(31, 'world', 'other')], 1, [ip('127.0.0.1')])).toBe(false);
  });

  test('super passes every check, even perms 0', () => {
    const ids = [ip('10.0.0.1'), { scheme: 'super', id: '' }];
    expect(isSuper(ids)).toBe(true);
    expect(checkAcl([acl(0, 'world', 'anyone')], 31, ids)).toBe(true);
    expect(isSuper([ip('10.0.0.1')])).toBe(false);
  });

  test('digest matches by exact string equality', () => {
    const guarded = [acl(31, 'digest', alice)];
    expect(checkAcl(guarded, 1, [ip('127.0.0.1'), digest(alice)])).toBe(true);
    expect(checkAcl(guarded, 1, [digest('alice:other')])).toBe(false);
    expect(checkAcl(guarded, 1, [ip(alice)])).toBe(false);
  });

  test.each([
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['10.1.0.0/16', '10.1.200.3', true],
    ['10.1.0.0/16', '10.2.0.1', false],
    ['10.1.2.3/0', '192.168.1.1', true],
    ['10.1.2.3/24', '10.1.2.99', true],
    ['10.1.2.3/31', '10.1.2.2', true],
    ['10.1.2.3/31', '10.1.2.4', false],
    ['127.0.0.1', '::ffff:127.0.0.1', true],
    ['127.0.0.1', '::1', false],
    ['10.0.0.0/33', '10.0.0.1', false],
    ['10.0.0.256', '10.0.0.1', false],
  ])('ip ACL %s vs connection %s matches: %s', (expression, remote, matches) => {
    expect(checkAcl([acl(1, 'ip', expression)], 1, [ip(remote)])).toBe(matches);
  });

  test('an entry of an unknown scheme matches nobody', () => {
    expect(checkAcl([acl(31, 'sasl', 'bob')], 1, [{ scheme: 'sasl', id: 'bob' }])).toBe(false);
  });

  test('entries without a required bit are skipped', () => {
    const entries = [acl(2, 'world', 'anyone'), acl(1, 'digest', alice)];
    expect(checkAcl(entries, 1, [ip('127.0.0.1')])).toBe(false);
    expect(checkAcl(entries, 1, [digest(alice)])).toBe(true);
  });
});
