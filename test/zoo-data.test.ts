// `pnpm zoo-data` beside a running member: it reads the data directory the member holds locked
// and is writing — under write load, then idle — and never changes a byte of it.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createClient } from '@zoo/client';
import { startServer, type ZooServer } from '@zoo/server';
import { decodeEpochs } from '@zoo/server/internals';

const root = join(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'zoo-data-live-'));
let server: ZooServer | null = null;

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the root package.json script, as a user would. */
function pnpmZooData(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', ['-s', 'zoo-data', ...args], { cwd: root }, (error, stdout) => {
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
        stdout,
      });
    });
  });
}

function fingerprint(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const hash = createHash('sha256').update(readFileSync(join(dir, name)));
      return `${name} ${hash.digest('hex')}`;
    });
}

describe('pnpm zoo-data beside a live member', () => {
  test('reads the locked directory during writes and after, changing nothing', async () => {
    server = await startServer({ dataDir, snapCount: 50 });
    const client = createClient(server.connectString);
    await client.create('/live');
    let isWriting = true;
    const load = (async () => {
      for (let i = 0; isWriting && i < 3_000; i++)
        await client.create(`/live/n${i}`, Buffer.from(`v${i}`));
    })();
    // While the member appends: a record it is writing may look torn (exit 2), never corrupt.
    const during = await pnpmZooData('verify', dataDir);
    isWriting = false;
    await load;
    expect(during.stdout).not.toMatch(/CORRUPT/);
    expect([0, 2]).toContain(during.code);

    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = fingerprint(dataDir);
    const verify = await pnpmZooData('verify', dataDir);
    expect(verify).toMatchObject({ code: 0, stdout: expect.stringMatching(/no problems/) });
    const list = await pnpmZooData('list', dataDir);
    expect(list.stdout).toContain(`locked by pid ${process.pid}`);
    expect(list.stdout).toMatch(/snapshot\.[0-9a-f]{16} .* nodes/);
    const log = await pnpmZooData('log', dataDir);
    expect(log.stdout).toMatch(/ create \/live\/n0 {2}2 B\n/);
    expect(fingerprint(dataDir)).toEqual(before);
    // The member still serves, with its data directory as it was.
    expect((await client.getData('/live/n0')).data?.toString()).toBe('v0');
    await client.close();
  }, 60_000);

  test('reset is refused while the member runs, then empties and marks the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-data-reset-'));
    try {
      const member = await startServer({ dataDir: dir, snapCount: 20 });
      const client = createClient(member.connectString);
      for (let i = 0; i < 50; i++) await client.create(`/n${i}`);
      await client.close();
      writeFileSync(join(dir, 'myid'), '2\n');
      const refused = await pnpmZooData('reset', dir);
      expect(refused.code).not.toBe(0);
      expect(readdirSync(dir).filter((name) => name.startsWith('log.'))).not.toEqual([]);
      await member.close();
      const reset = await pnpmZooData('reset', dir);
      expect(reset).toMatchObject({ code: 0, stdout: expect.stringMatching(/emptied and marked/) });
      expect(readdirSync(dir).sort()).toEqual(['epochs', 'myid']);
      expect(readFileSync(join(dir, 'myid'), 'utf8')).toBe('2\n');
      const epochs = decodeEpochs(readFileSync(join(dir, 'epochs')));
      expect(epochs).toEqual({ acceptedEpoch: 0, currentEpoch: 0, isRejoining: true });
      // A standalone server has nobody to sync from: it starts empty, as after any reset.
      const again = await startServer({ dataDir: dir });
      const reader = createClient(again.connectString);
      expect(await reader.exists('/n0')).toBeNull();
      await reader.close();
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
