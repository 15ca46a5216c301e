// Every README example runs: each ```ts block of the root and package READMEs is written to a
// temporary file in the repository and executed with tsx, as a user would paste it.

import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');
const run = promisify(execFile);
const readmes = [
  'README.md',
  'packages/server/README.md',
  'packages/client/README.md',
  'packages/sim/README.md',
];

function examplesOf(readme: string): string[] {
  const text = readFileSync(join(root, readme), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

describe('README examples', () => {
  for (const readme of readmes) {
    examplesOf(readme).forEach((code, index) => {
      test(`${readme} example ${index + 1} runs`, async () => {
        const file = join(root, `.readme-example-${readme.replace(/\W/g, '-')}-${index}.ts`);
        writeFileSync(file, code);
        try {
          const { stdout } = await run(
            process.execPath,
            ['--import', 'tsx', '--conditions=zoo-source', file],
            { cwd: root, timeout: 30_000 },
          );
          expect(stdout.length).toBeGreaterThan(0);
          // An example states what it prints with `// prints: <text>`; the output must hold it.
          for (const match of code.matchAll(/\/\/ prints: (.*)$/gm)) {
            expect(stdout).toContain((match[1] ?? '').trim());
          }
        } finally {
          rmSync(file, { force: true });
        }
      });
    });
  }
});
