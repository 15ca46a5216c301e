// The project's own rules, checked as a test (after TigerBeetle's tidy.zig): the deterministic
// core stays free of I/O, time and randomness; no `any`; small files, short lines; no deep
// imports across packages; no focused or skipped tests; no function longer than 70 lines.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
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
const benchSources = sourceFiles(join(root, 'bench'));

const functionLinesMax = 70;

/** The name a function-like node is known by, or null for an anonymous callback. */
function functionName(node: ts.Node, sourceFile: ts.SourceFile): string | null {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isAccessor(node)) {
    return node.name?.getText(sourceFile) ?? 'default';
  }
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return null;
  // An arrow or function expression counts when it is assigned to a name, as a named function.
  const parent = node.parent;
  const isNamed =
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isPropertyAssignment(parent);
  return isNamed ? parent.name.getText(sourceFile) : null;
}

/** Every named function in `text` longer than the limit, with its first line and length. */
function longFunctions(
  path: string,
  text: string,
): { name: string; line: number; lines: number }[] {
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: { name: string; line: number; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    const name = functionName(node, sourceFile);
    if (name !== null) {
      const first = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line;
      const last = sourceFile.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > functionLinesMax) found.push({ name, line: first + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

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

  test('functions in package and bench sources stay within 70 lines', () => {
    const problems: string[] = [];
    for (const path of [...nonTestSources, ...benchSources]) {
      for (const { name, line, lines } of longFunctions(path, readFileSync(path, 'utf8'))) {
        problems.push(`${rel(path)}:${line} ${name} has ${lines} lines`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the function-length check finds long declarations, methods and named arrows', () => {
    const body = Array.from({ length: functionLinesMax - 1 }, (_, i) => `  x += ${i};`).join('\n');
    const text = [
      `function declared(x: number): number {\n${body}\n  return x;\n}`,
      `class Held {\n  method(x: number): number {\n${body}\n  return x;\n  }\n}`,
      `const arrow = (x: number): number => {\n${body}\n  return x;\n};`,
      `function short(x: number): number {\n  return x;\n}`,
      `run(function (x: number): number {\n${body}\n  return x;\n});`,
    ].join('\n');
    const found = longFunctions('planted.ts', text).map(({ name, lines }) => `${name}:${lines}`);
    expect(found).toEqual(['declared:72', 'method:72', 'arrow:72']);
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
