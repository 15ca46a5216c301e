// The project's own rules, checked as a test (after TigerBeetle's tidy.zig): the deterministic
// core stays free of I/O, time and randomness; no `any`; small files, short lines; no deep
// imports across packages; no focused or skipped tests.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const packageSources = ['client', 'server', 'sim'].flatMap((name) =>
  sourceFiles(join(root, 'packages', name, 'src')),
);
const testSources = sourceFiles(join(root, 'test'));
const nonTestSources = packageSources.filter((path) => !path.endsWith('.test.ts'));
const rel = (path: string): string => relative(root, path);

/** Folders whose code must stay deterministic: the simulator runs it unchanged. */
const deterministicFolders = [
  'packages/client/src/protocol/',
  'packages/client/src/core/',
  'packages/server/src/core/',
];

const bannedInCore: readonly [RegExp, string][] = [
  [/\bDate\b/, 'Date (time enters through tick)'],
  [/\bMath\.random\b/, 'Math.random (use the injected Random)'],
  [/\bperformance\./, 'performance (time enters through tick)'],
  [/\bprocess\./, 'process'],
  [/\bset(Timeout|Interval|Immediate)\b/, 'timers'],
  [/\bqueueMicrotask\b/, 'queueMicrotask'],
  [/\bPromise\b/, 'Promise'],
  [/\basync\b/, 'async'],
  [/\bawait\b/, 'await'],
  [/from '(node:[a-z_/]+|ws|msgpackr|net|fs|crypto)'/, 'I/O modules'],
  [/\brequire\(/, 'require'],
];

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Code without comments and string contents, so rules apply to code only. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (match) => match.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, (match) => match.replace(/[^\n]/g, ' '));
}

describe('tidy', () => {
  test('the deterministic core uses no clocks, timers, randomness, promises or I/O', () => {
    const problems: string[] = [];
    for (const path of nonTestSources) {
      if (!deterministicFolders.some((folder) => rel(path).startsWith(folder))) continue;
      const text = readFileSync(path, 'utf8');
      const code = codeOnly(text).replace(/^import[^;]*;/gm, (match) => match);
      for (const [pattern, what] of bannedInCore) {
        const source = pattern.source.startsWith('from') ? text : code;
        const match = pattern.exec(source);
        if (match === null) continue;
        problems.push(`${rel(path)}:${lineOf(source, match.index)} uses ${what}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('package sources contain no any and no ts-ignore', () => {
    const problems: string[] = [];
    for (const path of nonTestSources) {
      const code = codeOnly(readFileSync(path, 'utf8'));
      const match = /(:\s*any\b|\bas any\b|<any>|@ts-ignore|@ts-nocheck)/.exec(code);
      if (match !== null) problems.push(`${rel(path)}:${lineOf(code, match.index)}: ${match[0]}`);
    }
    expect(problems).toEqual([]);
  });

  test('files stay within 400 lines and lines within 100 columns', () => {
    const problems: string[] = [];
    for (const path of [...packageSources, ...testSources]) {
      const lines = readFileSync(path, 'utf8').split('\n');
      if (lines.length > 401) problems.push(`${rel(path)} has ${lines.length} lines`);
      lines.forEach((line, index) => {
        if (line.length > 100) problems.push(`${rel(path)}:${index + 1} is ${line.length} columns`);
      });
    }
    expect(problems).toEqual([]);
  });

  test('no package imports another package by its src path', () => {
    const problems: string[] = [];
    for (const path of [...packageSources, ...testSources]) {
      const text = readFileSync(path, 'utf8');
      const match = /from '(@zoo\/[a-z]+\/src[^']*|\.\.\/(\.\.\/)*packages\/[^']*)'/.exec(text);
      if (match !== null) problems.push(`${rel(path)} imports ${match[1]}`);
    }
    expect(problems).toEqual([]);
  });

  test('core code never imports runtime or adapters', () => {
    const problems: string[] = [];
    for (const path of nonTestSources) {
      if (!deterministicFolders.some((folder) => rel(path).startsWith(folder))) continue;
      const text = readFileSync(path, 'utf8');
      const match = /from '[^']*\/(runtime|adapters|api)\/[^']*'/.exec(text);
      if (match !== null) problems.push(`${rel(path)} imports ${match[0]}`);
    }
    expect(problems).toEqual([]);
  });

  test('no focused or skipped tests', () => {
    const problems: string[] = [];
    for (const path of [...packageSources, ...testSources]) {
      const text = readFileSync(path, 'utf8');
      const match = /\b(it|test|describe)\.(only|skip|todo)\(|\bx(it|describe)\(/.exec(text);
      if (match !== null) problems.push(`${rel(path)}:${lineOf(text, match.index)}: ${match[0]}`);
    }
    expect(problems).toEqual([]);
  });
});
