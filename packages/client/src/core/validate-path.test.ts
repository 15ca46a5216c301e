// Client-side path validation, following ZooKeeper's PathUtils.validatePath.

import { describe, expect, test } from 'vitest';
import { pathProblem } from './validate-path.js';

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
