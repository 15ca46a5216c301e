import { ErrorCode } from '@zoo/client/protocol';
import type { Acl, RequestAcl } from '@zoo/client/protocol';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isValidAclId, javaSplit } from './auth-providers.js';
import { expandAcl, fixupAcl } from './fixup-acl.js';
import type { Identity } from './identity.js';

const acl = (perms: number, scheme: string, id: string): Acl => ({ perms, id: { scheme, id } });
const ipId: Identity = { scheme: 'ip', id: '127.0.0.1' };
const alice: Identity = { scheme: 'digest', id: 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=' };
const bob: Identity = { scheme: 'digest', id: 'bob:hash' };
const superId: Identity = { scheme: 'super', id: '' };

// ZooKeeper: PrepRequestProcessor.fixupACL (wire sheet §8.3).
describe('fixupAcl', () => {
  test('null and empty lists are invalid', () => {
    expect(fixupAcl(null, [ipId])).toBe(ErrorCode.InvalidAcl);
    expect(fixupAcl([], [ipId])).toBe(ErrorCode.InvalidAcl);
  });

  test('world:anyone is kept; any other world id is invalid', () => {
    expect(fixupAcl([acl(31, 'world', 'anyone')], [])).toEqual([acl(31, 'world', 'anyone')]);
    expect(fixupAcl([acl(31, 'world', 'other')], [])).toBe(ErrorCode.InvalidAcl);
  });

  test('exact duplicates are removed, differing perms are not', () => {
    const anyone = (perms: number) => acl(perms, 'world', 'anyone');
    const list = [anyone(31), anyone(31), anyone(1)];
    expect(fixupAcl(list, [])).toEqual([acl(31, 'world', 'anyone'), acl(1, 'world', 'anyone')]);
  });

  test('auth expands to every digest identity and never to ip or super', () => {
    const fixed = fixupAcl([acl(31, 'auth', '')], [ipId, alice, superId, bob]);
    expect(fixed).toEqual([acl(31, 'digest', alice.id), acl(31, 'digest', bob.id)]);
  });

  test('auth ignores its own id text', () => {
    expect(fixupAcl([acl(5, 'auth', 'whatever')], [alice])).toEqual([acl(5, 'digest', alice.id)]);
  });

  test('auth without an authenticated identity is invalid', () => {
    expect(fixupAcl([acl(31, 'auth', '')], [ipId])).toBe(ErrorCode.InvalidAcl);
    expect(fixupAcl([acl(31, 'auth', '')], [ipId, superId])).toBe(ErrorCode.InvalidAcl);
  });

  test('expansion happens after de-duplication, so it can repeat an explicit entry', () => {
    const fixed = fixupAcl([acl(31, 'digest', alice.id), acl(31, 'auth', '')], [alice]);
    expect(fixed).toEqual([acl(31, 'digest', alice.id), acl(31, 'digest', alice.id)]);
  });

  test('one invalid entry invalidates the whole list', () => {
    expect(fixupAcl([acl(31, 'world', 'anyone'), acl(31, 'digest', 'user:')], [])).toBe(
      ErrorCode.InvalidAcl,
    );
    expect(fixupAcl([acl(31, 'world', 'anyone'), acl(31, 'unknown', 'x')], [])).toBe(
      ErrorCode.InvalidAcl,
    );
  });

  test('perms are stored as given, even 0', () => {
    expect(fixupAcl([acl(0, 'world', 'anyone')], [])).toEqual([acl(0, 'world', 'anyone')]);
  });

  // Jute nulls, as kazoo sends an empty id; each outcome checked on Apache ZooKeeper 3.8 by
  // test/compat-null-acl.test.ts.
  const nullable = (perms: number, scheme: string | null, id: string | null): RequestAcl => ({
    perms,
    id: { scheme, id },
  });

  test('a null scheme is invalid; an auth entry ignores a null id', () => {
    expect(fixupAcl([nullable(31, null, 'x')], [alice])).toBe(ErrorCode.InvalidAcl);
    expect(fixupAcl([nullable(31, 'auth', null)], [alice])).toEqual([acl(31, 'digest', alice.id)]);
    expect(fixupAcl([nullable(31, 'auth', null)], [ipId])).toBe(ErrorCode.InvalidAcl);
    expect(fixupAcl([nullable(31, 'nosuch', null)], [])).toBe(ErrorCode.InvalidAcl);
  });

  test('a null id where ZooKeeper dereferences it is MarshallingError', () => {
    for (const scheme of ['world', 'digest', 'ip']) {
      expect(fixupAcl([nullable(31, scheme, null)], [alice])).toBe(ErrorCode.MarshallingError);
    }
  });

  test('de-duplication compares as Java equals does: a null it would dereference throws', () => {
    const anyone = acl(31, 'world', 'anyone');
    expect(fixupAcl([anyone, nullable(31, null, 'x')], [])).toBe(ErrorCode.MarshallingError);
    // Different perms: Java never compares the ids, and the null scheme is simply invalid.
    expect(fixupAcl([anyone, nullable(1, null, 'x')], [])).toBe(ErrorCode.InvalidAcl);
    expect(fixupAcl([anyone, nullable(31, 'world', null)], [])).toBe(ErrorCode.MarshallingError);
    expect(fixupAcl([anyone, anyone], [])).toEqual([anyone]);
  });

  test('a list stored as it came is not copied', () => {
    const list = [acl(31, 'world', 'anyone'), acl(1, 'digest', alice.id)];
    expect(fixupAcl(list, [])).toBe(list);
  });

  test('answers what the entry-by-entry fix-up answers, for any list and identities', () => {
    const text = (values: (string | null)[]) => fc.constantFrom(...values);
    const entry = fc.record({
      perms: fc.constantFrom(0, 1, 31),
      id: fc.record({
        scheme: text(['world', 'auth', 'digest', 'ip', 'nosuch', 'super', null]),
        id: text(['anyone', 'other', alice.id, 'user:', '127.0.0.1', '10.0.0.0/40', '', null]),
      }),
    });
    const identity = fc.constantFrom(ipId, alice, bob, superId);
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), fc.array(identity), (list, ids) => {
        expect(fixupAcl(list, ids)).toEqual(expandAcl(list, ids));
      }),
      { numRuns: 2000 },
    );
  });
});

// ZooKeeper: DigestAuthenticationProvider.isValid — id.split(":").length == 2 (Java split drops
// trailing empty pieces); IPAuthenticationProvider.isValid — IPv4 with optional /bits (3.8).
describe('isValidAclId', () => {
  test.each([
    ['digest', 'user:hash', true],
    ['digest', ':hash', true],
    ['digest', 'user:hash:', true],
    ['digest', 'user:', false],
    ['digest', 'a:b:c', false],
    ['digest', 'nocolon', false],
    ['digest', '', false],
    ['digest', '::', false],
    ['ip', '127.0.0.1', true],
    ['ip', '10.0.0.0/8', true],
    ['ip', '10.0.0.0/0', true],
    ['ip', '10.0.0.0/32', true],
    ['ip', '10.0.0.0/33', false],
    ['ip', '10.0.0.0/-1', false],
    ['ip', '10.0.0.0/', false],
    ['ip', '10.0.0', false],
    ['ip', '10.0.0.1.', false],
    ['ip', '256.0.0.1', false],
    ['ip', '+1.0.0.1', true],
    ['ip', '::1', false],
    ['ip', 'localhost', false],
    ['sasl', 'bob', false],
    ['x509', 'CN=a', false],
  ])('%s:%s is valid: %s', (scheme, id, valid) => {
    expect(isValidAclId(scheme, id)).toBe(valid);
  });

  test('javaSplit drops trailing empty pieces only', () => {
    expect(javaSplit('a::b::', ':')).toEqual(['a', '', 'b']);
    expect(javaSplit('', ':')).toEqual(['']);
    expect(javaSplit(':::', ':')).toEqual([]);
  });
});
