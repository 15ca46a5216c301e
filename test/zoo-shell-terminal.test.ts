// `zoo shell` at a pseudo-terminal, as a person uses it: Tab completes a command and a znode
// path, the arrow keys and `history` recall earlier lines, and a watch that fires while the
// prompt waits prints above it without losing the half-typed line.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, type ZooClient } from '@zoo/client';
import { startServer, type ZooServer } from '@zoo/server';
import { runInTerminal, type Terminal } from './support/pseudo-terminal.js';

const root = join(import.meta.dirname, '..');
const shellEntry = 'packages/server/src/cli/zoo.ts';

describe('zoo shell at a terminal', () => {
  let server: ZooServer;
  let client: ZooClient;
  let terminal: Terminal | undefined;
  beforeAll(async () => {
    server = await startServer({ port: 0 });
    client = createClient(server.connectString);
    await client.create('/parent', 'p');
    await client.create('/parent/a');
    await client.create('/parent/b');
  });
  afterAll(async () => {
    await terminal?.kill();
    await client.close();
    await server.close();
  });

  test('completes, recalls history, prints a watch above the prompt, quits with 0', async () => {
    const args = ['--import', 'tsx', '--conditions=zoo-source', shellEntry, 'shell'];
    terminal = runInTerminal(process.execPath, [...args, server.connectString], root);
    const shown = terminal;
    const prompt = (count: number) => new RegExp(`\\[zoo: [^\\]]*\\(CONNECTED\\) ${count}\\] `);
    await shown.waitFor(prompt(0), { timeoutMs: 30_000 });

    // Tab completes a command name, then a path from the server's children of `/`.
    let mark = shown.screen().length;
    await shown.type('getAl', '\t');
    await shown.waitFor(/getAllChildrenNumber/, { from: mark });
    await shown.type(' /par', '\t');
    await shown.waitFor(/getAllChildrenNumber \/parent/, { from: mark });
    await shown.type('\r');
    expect(await shown.waitFor(/\n2\n[^]*\(CONNECTED\) 1\] /, { from: mark })).toBeTruthy();

    // Two Tabs on an ambiguous start list the candidates.
    mark = shown.screen().length;
    await shown.type('ge', '\t', '\t');
    await shown.waitFor(/get\s+getAcl\s+getAllChildrenNumber\s+getEphemerals/, { from: mark });
    await shown.type('\x15'); // Ctrl-U: the typed text goes

    // The up arrow brings back the last line; `history` lists the lines with their numbers.
    mark = shown.screen().length;
    await shown.type('\x1b[A\r');
    await shown.waitFor(/\n2\n[^]*\(CONNECTED\) 2\] /, { from: mark });
    mark = shown.screen().length;
    await shown.type('history\r');
    const history = await shown.waitFor(/2 - history\n/, { from: mark });
    expect(history).toContain('0 - getAllChildrenNumber /parent\n1 - getAllChildrenNumber /parent');

    // A watch fires while a line is half typed: the event comes above, the line stays.
    await shown.type('get -w /parent\r');
    await shown.waitFor(/\np\n[^]*\(CONNECTED\) 4\] $/, { from: mark });
    await shown.type('ls /pa');
    await shown.waitFor(/4\] ls \/pa$/, { from: mark });
    mark = shown.screen().length;
    await client.setData('/parent', 'changed');
    const event = 'WatchedEvent state:SyncConnected type:NodeDataChanged path:/parent';
    await shown.waitFor(new RegExp(`${event}\\n\\[zoo: [^\\n]*4\\] ls /pa$`), { from: mark });
    await shown.type('rent\r');
    await shown.waitFor(/\[a, b\]\n/, { from: mark });

    await shown.type('quit\r');
    expect(await shown.exited).toBe(0);
  }, 90_000);
});
