// Compiles the Java fixtures (test/fixtures/*.java) with javac into a temporary directory at
// test time and runs them with `java`, so no class files are ever committed.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeRun, runProgram, type ProgramResult } from './run-program.js';

/** test/fixtures: the Java and Python programs these tests run. */
export const fixturesDir = path.join(import.meta.dirname, '..', '..', 'fixtures');

export interface JavaProgram {
  /** `<classes dir>:<jars…>`, ready for `java -cp`. */
  classPath: string;
  run(mainClass: string, args: readonly string[], timeoutMs: number): Promise<ProgramResult>;
  remove(): Promise<void>;
}

/** Compiles `sources` (file names inside test/fixtures) against `jars`; throws on errors. */
export async function compileJavaProgram(options: {
  javac: string;
  sources: readonly string[];
  jars: readonly string[];
}): Promise<JavaProgram> {
  const classDir = await mkdtemp(path.join(os.tmpdir(), 'zoo-java-compat-'));
  const jarPath = options.jars.join(path.delimiter);
  const sources = options.sources.map((source) => path.join(fixturesDir, source));
  // -implicit:none: jars on the class path that carry sources must not be compiled into ours.
  const args = ['-implicit:none', '-nowarn', '-d', classDir, '-cp', jarPath, ...sources];
  const compiled = await runProgram(options.javac, args, { timeoutMs: 60_000 });
  if (compiled.code !== 0) {
    await rm(classDir, { recursive: true, force: true });
    throw new Error(describeRun(`javac ${options.sources.join(' ')}`, compiled));
  }
  const classPath = [classDir, ...options.jars].join(path.delimiter);
  const java = process.env['ZOO_JAVA'] ?? 'java';
  return {
    classPath,
    run: (mainClass, programArgs, timeoutMs) =>
      runProgram(java, ['-cp', classPath, mainClass, ...programArgs], { timeoutMs }),
    remove: () => rm(classDir, { recursive: true, force: true }),
  };
}
