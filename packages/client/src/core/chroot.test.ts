// Chroot: prefixing request paths and stripping results and events.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Chroot } from './chroot.js';

describe('Chroot', () => {
  test('maps "/" to the chroot and back', () => {
    const chroot = new Chroot('/app');
    expect(chroot.toServer('/')).toBe('/app');
    expect(chroot.toClient('/app')).toBe('/');
  });

  test('a path outside the chroot is not contained and is left as it is', () => {
    const chroot = new Chroot('/app');
    expect(chroot.contains('/apple')).toBe(false);
    expect(chroot.toClient('/apple')).toBe('/apple');
  });

  test('toClient undoes toServer for every client path', () => {
    const path = fc
      .array(fc.stringMatching(/^[a-z0-9]{1,4}$/), { maxLength: 5 })
      .map((parts) => `/${parts.join('/')}`);
    fc.assert(
      fc.property(fc.constantFrom('/app', '/a/b'), path, (prefix, clientPath) => {
        const chroot = new Chroot(prefix);
        const serverPath = chroot.toServer(clientPath);
        expect(chroot.contains(serverPath)).toBe(true);
        expect(chroot.toClient(serverPath)).toBe(clientPath);
      }),
    );
  });

  test('prefixes every op of a multi and strips created paths from its results', () => {
    const chroot = new Chroot('/app');
    const request = chroot.requestToServer({
      type: 'multi',
      ops: [
        { type: 'check', path: '/a', version: 1 },
        { type: 'delete', path: '/b', version: -1 },
      ],
    });
    expect(request).toEqual({
      type: 'multi',
      ops: [
        { type: 'check', path: '/app/a', version: 1 },
        { type: 'delete', path: '/app/b', version: -1 },
      ],
    });
    const response = chroot.responseToClient({
      type: 'multi',
      results: [{ type: 'create', path: '/app/c', stat: null }, { type: 'delete' }],
    });
    expect(response).toEqual({
      type: 'multi',
      results: [{ type: 'create', path: '/c', stat: null }, { type: 'delete' }],
    });
  });

  test('keeps only ephemerals inside the chroot, relative to it', () => {
    const chroot = new Chroot('/app');
    expect(chroot.responseToClient({ type: 'ephemerals', paths: ['/app/e', '/other/e'] })).toEqual({
      type: 'ephemerals',
      paths: ['/e'],
    });
  });
});
