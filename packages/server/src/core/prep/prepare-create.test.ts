import { ErrorCode as E } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import { containerEphemeralOwner, ttlEphemeralOwner } from '../tree/ephemeral-type.js';
import { PrepHarness, createRequest, req, type CreateOptions } from './testing/prep-harness.js';

const alice = { scheme: 'digest', id: 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=' };
const aliceOnly = [{ perms: 31, id: alice }];
const readOnly = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];
const noAcl: CreateOptions['acl'] = [];
const ttlMode = (ttl: bigint): CreateOptions => ({ flags: 5, ttl, variant: 'createTTL' });

/** A tree with /p (open), /locked and /locked/x (alice only), /eph (ephemeral of 0x100). */
function setup(): PrepHarness {
  const h = new PrepHarness();
  h.mkdirs('/p');
  const made = [
    h.errorOf(createRequest('/locked', { acl: aliceOnly }), { identities: [alice] }),
    h.errorOf(createRequest('/locked/x'), { identities: [alice] }),
    h.errorOf(createRequest('/eph', { flags: 1 })),
  ];
  if (made.some((err) => err !== 0)) throw new Error(`setup failed: ${made.join(',')}`);
  return h;
}

// ZooKeeper: PrepRequestProcessor.pRequest2TxnCreate + validateCreateRequest; the order of the
// checks is the wire sheet §4.3 create list. Each row breaks two rules: the earlier one must win.
describe('create error precedence', () => {
  type Context = { extended?: boolean; session?: number };
  const rows: [string, string, CreateOptions, number, Context?][] = [
    ['bad flags before the extended-types check', '/p/a', { flags: 9, ttl: 5n }, E.BadArguments],
    [
      'TTL without extended types: Unimplemented',
      '/p/a',
      ttlMode(0n),
      E.Unimplemented,
      { extended: false },
    ],
    ['TTL 0 is out of range', '/p/a', ttlMode(0n), E.BadArguments],
    ['TTL 2^40 is out of range', '/p/a', ttlMode(1n << 40n), E.BadArguments],
    ['createTTL with a non-TTL mode', '/p/a', { ...ttlMode(5n), flags: 0 }, E.BadArguments],
    ['create2 with a TTL mode (ttl −1)', '/p/a', { flags: 5 }, E.BadArguments],
    ['a ttl on a non-TTL opcode', '/p/a', { flags: 0, ttl: 0n }, E.BadArguments],
    ['session checks before the path', 'noslash', {}, E.SessionExpired, { session: -112 }],
    ['path without a slash', 'noslash', { acl: noAcl }, E.BadArguments],
    ['path with NUL before the ACL', '/p/a\u0000', { acl: noAcl }, E.BadArguments],
    ['InvalidACL before NoNode', '/missing/a', { acl: noAcl }, E.InvalidAcl],
    ['NoNode parent before NoAuth', '/missing/a', {}, E.NoNode],
    ['NoAuth before bad path', '/locked/.', {}, E.NoAuth],
    ['NoAuth before NodeExists', '/locked/x', {}, E.NoAuth],
    ['full validation after the parent', '/p/.', {}, E.BadArguments],
    // The sheet's [obs] −101 for "/p/" fits a missing /p: the parent is the text before the last
    // slash ("/p"), so with /p present the full validation fails.
    ['trailing slash, parent present: BadArguments', '/p/', {}, E.BadArguments],
    ['trailing slash, parent missing: NoNode', '/missing/', {}, E.NoNode],
    ['NodeExists before NoChildrenForEphemerals', '/eph', {}, E.NodeExists],
    ['create "/" is NodeExists', '/', {}, E.NodeExists],
    ['NoChildrenForEphemerals', '/eph/child', {}, E.NoChildrenForEphemerals],
  ];

  test.each(rows)('%s', (_name, path, options, expected, context = {}) => {
    const h = setup();
    const overrides = {
      options: { extendedTypesEnabled: context.extended ?? true },
      ...(context.session === undefined ? {} : { checkSession: () => context.session ?? 0 }),
    };
    expect(h.errorOf(createRequest(path, options), overrides)).toBe(expected);
  });

  test('NoAuth needs CREATE on the parent; READ alone is not enough', () => {
    const h = setup();
    h.mkdirs('/r');
    h.write(req.setAcl('/r', readOnly));
    expect(h.errorOf(createRequest('/r/a'))).toBe(E.NoAuth);
    expect(h.errorOf(createRequest('/locked/a'), { identities: [alice] })).toBe(0);
  });

  test('skipAcl disables the CREATE check', () => {
    const h = setup();
    expect(h.errorOf(createRequest('/locked/a'), { options: { skipAcl: true } })).toBe(0);
  });

  test('the session check learns whether the create is ephemeral', () => {
    const h = setup();
    const seen: boolean[] = [];
    const checkSession = (ephemeral: boolean) => {
      seen.push(ephemeral);
      return ephemeral ? E.EphemeralOnLocalSession : 0;
    };
    expect(h.errorOf(createRequest('/p/e', { flags: 3 }), { checkSession })).toBe(
      E.EphemeralOnLocalSession,
    );
    expect(h.errorOf(createRequest('/p/n', { flags: 0 }), { checkSession })).toBe(0);
    expect(seen).toEqual([true, false]);
  });

  test('data longer than packetBytesMax is BadArguments', () => {
    const h = setup();
    const options = { options: { packetBytesMax: 4 } };
    expect(h.errorOf(createRequest('/p/a', { data: Buffer.alloc(5) }), options)).toBe(
      E.BadArguments,
    );
    expect(h.errorOf(createRequest('/p/a', { data: Buffer.alloc(4) }), options)).toBe(0);
  });

  test('a failed create still takes a zxid and records nothing pending', () => {
    const h = setup();
    const before = h.tree.lastZxid;
    const { txn } = h.write(createRequest('/missing/a'));
    expect(txn.zxid).toBe(before + 1n);
    expect(txn.body).toEqual({ type: 'error', err: E.NoNode });
    expect(h.pending.size).toBe(0);
  });
});

describe('create results', () => {
  test('an ephemeral gets the session as owner', () => {
    const h = setup();
    const { reply } = h.write(createRequest('/p/e', { flags: 1 }), { sessionId: 0x77n });
    expect(reply.body).toMatchObject({
      type: 'create',
      path: '/p/e',
      stat: { ephemeralOwner: 0x77n },
    });
    expect([...h.tree.ephemeralsOf(0x77n)]).toEqual(['/p/e']);
  });

  test('createContainer (op 19) makes a container, shown with owner 0', () => {
    const h = setup();
    const { txn, reply } = h.write(createRequest('/p/c', { flags: 4, variant: 'createContainer' }));
    expect(txn.body).toMatchObject({ ephemeralOwner: containerEphemeralOwner });
    expect(reply.body).toMatchObject({ stat: { ephemeralOwner: 0n } });
  });

  test('op 1 or 15 with the container flag makes a plain persistent node', () => {
    const h = setup();
    expect(h.write(createRequest('/p/c1', { flags: 4, variant: 'create' })).txn.body).toMatchObject(
      { ephemeralOwner: 0n },
    );
    expect(
      h.write(createRequest('/p/c2', { flags: 4, variant: 'create2' })).txn.body,
    ).toMatchObject({ ephemeralOwner: 0n });
    expect(h.tree.findReapable(1e12, { maxNeverUsedIntervalMs: 1 })).toEqual([]);
  });

  test('createTTL stores the TTL marker; op 1 replies with the path only', () => {
    const h = setup();
    const { txn } = h.write(createRequest('/p/t', { flags: 5, ttl: 60000n, variant: 'createTTL' }));
    expect(txn.body).toMatchObject({ ephemeralOwner: ttlEphemeralOwner(60000n) });
    expect(h.write(createRequest('/p/plain', { variant: 'create' })).reply).toEqual({
      err: 0,
      body: { type: 'create', path: '/p/plain', stat: null },
    });
  });

  test('containers and TTL nodes may have ephemeral children', () => {
    const h = setup();
    h.write(createRequest('/p/c', { flags: 4, variant: 'createContainer' }));
    h.write(createRequest('/p/t', { flags: 5, ttl: 1000n, variant: 'createTTL' }));
    expect(h.errorOf(createRequest('/p/c/e', { flags: 1 }))).toBe(0);
    expect(h.errorOf(createRequest('/p/t/e', { flags: 1 }))).toBe(0);
  });

  test('the stored ACL is the fixed-up one (auth expanded)', () => {
    const h = setup();
    const auth = [{ perms: 31, id: { scheme: 'auth', id: '' } }];
    const identities = [{ scheme: 'ip', id: '1.2.3.4' }, alice];
    h.write(createRequest('/p/mine', { acl: auth }), { identities });
    expect(h.tree.getNode('/p/mine')?.acl).toEqual(aliceOnly);
  });
});

// ZooKeeper: pRequest2TxnCreate — suffix = String.format("%010d", parent cversion (childCreates)).
describe('sequential creates and the cversion quirk (wire sheet §6.2)', () => {
  test('the observed trace: suffixes from childCreates, cversion = 2·creates − children', () => {
    const h = new PrepHarness();
    h.mkdirs('/q');
    h.mkdirs('/q/a');
    expect(h.stat('/q')).toMatchObject({ cversion: 1, numChildren: 1 });
    const first = h.write(createRequest('/q/s-', { flags: 2, variant: 'create' }));
    expect(first.reply.body).toEqual({ type: 'create', path: '/q/s-0000000001', stat: null });
    expect(h.stat('/q')).toMatchObject({ cversion: 2, numChildren: 2 });
    h.write(req.delete('/q/a'));
    expect(h.stat('/q')).toMatchObject({ cversion: 3, numChildren: 1 });
    const names = [1, 2].map(() => h.write(createRequest('/q/s-', { flags: 2 })).result);
    expect(names.map((r) => (r.type === 'create' ? r.path : ''))).toEqual([
      '/q/s-0000000002',
      '/q/s-0000000003',
    ]);
    expect(h.stat('/q')).toMatchObject({ cversion: 5, numChildren: 3 });
    expect(h.tree.getNode('/q')?.childCreates).toBe(4);
  });

  test('the first sequential child of the fresh root is …0000000000', () => {
    const h = new PrepHarness();
    const { result } = h.write(createRequest('/', { flags: 2 }));
    expect(result).toMatchObject({ path: '/0000000000' });
    expect(h.stat('/')).toMatchObject({ cversion: 0, numChildren: 2 });
  });

  test('a sequential path may end in a slash', () => {
    const h = new PrepHarness();
    h.mkdirs('/queue', '/queue/x');
    expect(h.write(createRequest('/queue/', { flags: 3 })).result).toMatchObject({
      path: '/queue/0000000001',
    });
  });

  test('a sequential name that already exists is NodeExists', () => {
    const h = new PrepHarness();
    h.mkdirs('/q', '/q/n0000000001');
    expect(h.errorOf(createRequest('/q/n', { flags: 2 }))).toBe(E.NodeExists);
  });

  test('the counter wraps as int32 and is printed like Java %010d', () => {
    const h = new PrepHarness();
    h.mkdirs('/w');
    const node = h.tree.getNode('/w');
    if (node === undefined) throw new Error('no /w');
    (node as { childCreates: number }).childCreates = 2147483647;
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { result } = h.write(createRequest('/w/s', { flags: 2 }));
      names.push(result.type === 'create' ? result.path : String(result.type));
    }
    expect(names).toEqual(['/w/s2147483647', '/w/s-2147483648', '/w/s-2147483647']);
    expect(h.tree.getNode('/w')?.childCreates).toBe(-2147483646);
  });
});
