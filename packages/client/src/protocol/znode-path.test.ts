// Znode path rules shared by client and server: ZooKeeper's PathUtils.validatePath (the server's
// verdict checked against a literal port of the Java loop, the client's reasons) and
// PathParentIterator's walk to the root.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pathAndAncestors, pathProblem, validatePath } from './znode-path.js';

/** A literal port of ZooKeeper 3.8 PathUtils.validatePath's loop, as the oracle. */
function javaValidatePath(path: string): boolean {
  if (path.length === 0 || path[0] !== '/') return false;
  if (path.length === 1) return true;
  if (path[path.length - 1] === '/') return false;
  let lastc = '/';
  for (let i = 1; i < path.length; lastc = path[i] ?? '', i++) {
    const c = path[i] ?? '';
    const code = c.charCodeAt(0);
    if (code === 0) return false;
    if (c === '/' && lastc === '/') return false;
    if (c === '.' && lastc === '.') {
      if (path[i - 2] === '/' && (i + 1 === path.length || path[i + 1] === '/')) return false;
    } else if (c === '.') {
      if (path[i - 1] === '/' && (i + 1 === path.length || path[i + 1] === '/')) return false;
    } else if (
      (code > 0 && code <= 0x1f) ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0xd800 && code <= 0xf8ff) ||
      (code >= 0xfff0 && code <= 0xffff)
    ) {
      return false;
    }
  }
  return true;
}

describe('validatePath (ZooKeeper: PathUtils.validatePath)', () => {
  test.each([
    ['/', true],
    ['/a', true],
    ['/a/b', true],
    ['/.a', true],
    ['/a.', true],
    ['/...', true],
    ['/a/..b', true],
    ['/zookeeper', true],
    ['/\u00e9t\u00e9', true],
    ['/\uf900', true],
    ['/\uffef', true],
    ['', false],
    ['a', false],
    ['a/b', false],
    ['/a/', false],
    ['//', false],
    ['/a//b', false],
    ['/.', false],
    ['/..', false],
    ['/a/.', false],
    ['/a/../b', false],
    ['/./a', false],
    ['/a\u0000b', false],
    ['/a\u0001', false],
    ['/a\u001f', false],
    ['/a\u007f', false],
    ['/a\u009f', false],
    ['/\ud83d\ude00', false],
    ['/\ue000', false],
    ['/\ufffd', false],
    ['/\uffff', false],
  ])('validatePath(%j) is %s', (path, valid) => {
    expect(validatePath(path)).toBe(valid);
  });

  test('agrees with a literal port of the Java loop on random paths', () => {
    const alphabet = fc.constantFrom(
      '/',
      '/',
      '.',
      '.',
      'a',
      'b',
      '\u0000',
      '\u0001',
      '\u001f',
      ' ',
      '\u007f',
      '\u0080',
      '\u00a0',
      '\ud800',
      '\udfff',
      '\uf8ff',
      '\uf900',
      '\ufff0',
      '\ufffd',
    );
    const paths = fc.array(alphabet, { maxLength: 12 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(paths, (path) => {
        expect(validatePath(path)).toBe(javaValidatePath(path));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('pathProblem (ZooKeeper: PathUtils.validatePath)', () => {
  test.each(['/', '/a', '/a/b', '/.a', '/...', '/a b', '/é'])('accepts %j', (path) => {
    expect(pathProblem(path)).toBeNull();
  });

  test.each([
    '',
    'a',
    '/a/',
    '//a',
    '/a//b',
    '/./a',
    '/a/..',
    '/a\u0000',
    '/a\u001f',
    '/a\u007f',
    '/\u{1F600}',
    '/\ue000',
    '/\ufffd',
  ])('rejects %j', (path) => {
    expect(pathProblem(path)).not.toBeNull();
  });

  test('a sequential create may end in "/" (the server appends the suffix)', () => {
    expect(pathProblem('/queue/', true)).toBeNull();
    expect(pathProblem('/queue/', false)).not.toBeNull();
    expect(pathProblem('/queue//', true)).not.toBeNull();
  });
});

describe('pathAndAncestors', () => {
  test('lists the path, each ancestor, and the root', () => {
    expect(pathAndAncestors('/a/b/c')).toEqual(['/a/b/c', '/a/b', '/a', '/']);
    expect(pathAndAncestors('/')).toEqual(['/']);
  });

  test('every entry is a prefix of the one before it, ending at the root', () => {
    const segment = fc.stringMatching(/^[a-z]{1,3}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        const chain = pathAndAncestors(`/${segments.join('/')}`);
        expect(chain).toHaveLength(segments.length + 1);
        expect(chain[chain.length - 1]).toBe('/');
        for (let i = 1; i < chain.length - 1; i++) {
          expect(chain[i - 1]?.startsWith(`${chain[i]}/`)).toBe(true);
        }
      }),
    );
  });
});
