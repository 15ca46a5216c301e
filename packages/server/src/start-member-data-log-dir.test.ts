// A member started from a zoo.cfg with dataDir and dataLogDir, as `zoo-server --config` starts
// one: its log segments go to dataLogDir, its snapshots and epochs to dataDir, `conf` names both,
// and started again from the same file it recovers every write.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createClient } from '@zoo/client';
import { askFourLetterWord } from './cli/status/ask-four-letter-word.js';
import { parseZooConfig } from './config/zoo-config.js';
import { startMember, type RunningMember } from './start-member.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A lone voter leads once its election and epochs are through; until then it serves no one. */
async function serving(member: RunningMember): Promise<RunningMember> {
  const deadline = Date.now() + 10_000;
  while (!member.instance.peer.isServing) {
    if (Date.now() > deadline) throw new Error('the member never served');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return member;
}

test('a zoo.cfg dataLogDir takes the txn log; dataDir keeps snapshots and epochs', async () => {
  dir = mkdtempSync(join(tmpdir(), 'zoo-datalogdir-'));
  const dataDir = join(dir, 'data');
  const dataLogDir = join(dir, 'log');
  const config = parseZooConfig(
    [
      'tickTime=200',
      'clientPort=0',
      'clientPortAddress=127.0.0.1',
      `dataDir=${dataDir}`,
      `dataLogDir=${dataLogDir}`,
      'snapCount=4',
      '4lw.commands.whitelist=*',
      'server.1=127.0.0.1:0',
    ].join('\n'),
  );
  const first = await serving(
    await startMember(config, { myid: 1, adminPort: null, logLevel: 'warn' }),
  );
  const client = createClient(first.instance.connectString, { sessionTimeoutMs: 4000 });
  for (let i = 0; i < 12; i++) await client.create(`/n${i}`, Buffer.from(String(i)));
  const conf = await askFourLetterWord(first.instance.connectString, 'conf', 5000);
  await client.close();
  await first.close();
  const logFiles = readdirSync(dataLogDir);
  const dataFiles = readdirSync(dataDir);
  expect(logFiles.filter((name) => name.startsWith('log.')).length).toBeGreaterThan(0);
  expect(logFiles.filter((name) => !name.startsWith('log.'))).toEqual([]);
  expect(dataFiles.filter((name) => name.startsWith('log.'))).toEqual([]);
  expect(dataFiles).toContain('epochs');
  expect(dataFiles.some((name) => name.startsWith('snapshot.'))).toBe(true);
  expect(conf).toContain(`dataDir=${dataDir}\n`);
  expect(conf).toContain(`dataLogDir=${dataLogDir}\n`);

  const again = await serving(
    await startMember(config, { myid: 1, adminPort: null, logLevel: 'warn' }),
  );
  const reader = createClient(again.instance.connectString, { sessionTimeoutMs: 4000 });
  expect((await reader.getData('/n11')).data?.toString()).toBe('11');
  expect((await reader.getChildren('/')).sort()).toEqual(
    [...Array.from({ length: 12 }, (_, i) => `n${i}`), 'zookeeper'].sort(),
  );
  await reader.close();
  await again.close();
});
