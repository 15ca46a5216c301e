// The parent/name split of znode paths (validation is tested beside the shared protocol code).

import { describe, expect, test } from 'vitest';
import { childPath, isChildOf, nameOf, parentOf } from './path.js';

describe('parentOf / nameOf / childPath', () => {
  test.each([
    ['/a', '/', 'a'],
    ['/a/b', '/a', 'b'],
    ['/a/b/c', '/a/b', 'c'],
    ['/a/', '/a', ''],
    ['/', '/', ''],
  ])('%j has parent %j and name %j', (path, parent, name) => {
    expect(parentOf(path)).toBe(parent);
    expect(nameOf(path)).toBe(name);
  });

  test('childPath does not double the root slash', () => {
    expect(childPath('/', 'a')).toBe('/a');
    expect(childPath('/a', 'b')).toBe('/a/b');
  });

  test.each([
    ['/a', '/', true],
    ['/a/b', '/a', true],
    ['/a/b/c', '/a/b', true],
    ['/a/b/c', '/a', false],
    ['/ab/c', '/a', false],
    ['/ab', '/a', false],
    ['/a', '/a', false],
    ['/', '/', false],
    ['/', '', false],
    ['/a', '', false],
  ])('isChildOf(%j, %j) is %j, as parentOf tells', (path, parent, isChild) => {
    expect(isChildOf(path, parent)).toBe(isChild);
    expect(path !== '/' && parentOf(path) === parent).toBe(isChild);
  });
});
