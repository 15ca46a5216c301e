import { describe, expect, test } from 'vitest';
import { describeTxn, type Txn } from './txn.js';

describe('describeTxn', () => {
  const base = { zxid: 0x1fn, timeMs: 1234, sessionId: 0x100n, cxid: 3 };

  test('prints one line with zxid, session, cxid, time and the body', () => {
    const txn: Txn = {
      ...base,
      body: {
        type: 'create',
        path: '/a',
        data: Buffer.from('xy'),
        acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
        ephemeralOwner: -(1n << 63n),
        parentCVersion: 4,
      },
    };
    expect(describeTxn(txn)).toBe(
      'txn 0x1f s=0x100 cxid=3 t=1234 create /a ' +
        'owner=-0x8000000000000000 pcv=4 data=2B acl=31:world:anyone',
    );
  });

  test('describes nested multis and errors on one line', () => {
    const txn: Txn = {
      ...base,
      body: {
        type: 'multi',
        ops: [
          { type: 'setData', path: '/a', data: null, version: 2 },
          { type: 'check', path: '/a', version: 3 },
          { type: 'delete', path: '/b' },
        ],
      },
    };
    const line = describeTxn(txn);
    expect(line).toBe(
      'txn 0x1f s=0x100 cxid=3 t=1234 ' +
        'multi [setData /a v=2 data=null; check /a v=3; delete /b]',
    );
    expect(line).not.toContain('\n');
    expect(describeTxn({ ...base, body: { type: 'multiError', errs: [0, -101, -2] } })).toContain(
      'multiError [0,-101,-2]',
    );
    expect(
      describeTxn({ ...base, body: { type: 'closeSession', ephemeralPaths: ['/e'] } }),
    ).toContain('closeSession [/e]');
  });
});
