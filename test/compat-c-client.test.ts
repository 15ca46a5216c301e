// Compatibility: Apache ZooKeeper's C client 3.8 (Debian zookeeper-bin), through its sample
// shell cli_mt (cli_st where installed), against Apache ZooKeeper 3.8 (proving every
// expectation) and Zoo. A command script goes in on stdin one line at a time; the shell's
// stderr transcript, less times and session ids, must read exactly as Apache's does.

import { beforeAll, describe, expect, test } from 'vitest';
import { findCClientShell } from './support/real-clients/find-real-client-tools.js';
import { runCClientScript } from './support/real-clients/run-c-cli-script.js';
import type { CliStep, CliTranscript } from './support/real-clients/run-c-cli-script.js';
import { useServer } from './support/real-clients/use-server.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const shell = findCClientShell();
const targets = await resolveTargets();
warnUnavailable('compat-c-client', targets);
if (!shell.available) console.warn(`[compat-c-client] SKIPPING every target: ${shell.reason}`);

/** The shell's create writes the data "new"; `+e`/`+s` make ephemeral/sequential nodes. */
const script = [
  'create /c1',
  'get /c1',
  'set /c1 world',
  'get /c1',
  'ls /c1',
  'create +s /c1/s-',
  'create +e /c1/e',
  'ls2 /c1',
  'get /c1/e',
  'exists /c1/e',
  'exists /nope',
  'delete /c1',
  'create /c1',
  'sync /c1',
  'create2 /c2',
  'wexists /c2',
  'set /c2 x',
  'delete /c2',
  'ls /',
  'delete /c1/e',
  'get /c1/e',
];

/**
 * One step's lines without what differs per run: elapsed times, ctime/mtime, the session id.
 * Child names are sorted, since a server returns them in its own hash order.
 */
function normalizeStep(step: CliStep, sessionId: string): string[] {
  const lines = step.lines
    .filter((line) => !/^time = -?\d+ msec$/.test(line))
    .map((line) => line.replace(/^(\tctime = |\tmtime=).*/, '$1<time>'))
    .map((line) => line.replace(`ephemeralOwner = ${sessionId}`, 'ephemeralOwner = <session>'));
  const out: string[] = [];
  let children: string[] = [];
  for (const line of [...lines, '']) {
    if (/^\t[^=]+$/.test(line)) {
      children.push(line);
      continue;
    }
    out.push(...children.sort());
    children = [];
    if (line !== '') out.push(line);
  }
  return out;
}

const stat = (times: { czxid: number; mzxid: number }, versions: string, owner = '0'): string[] => [
  '\tctime = <time>',
  `\tczxid=${times.czxid.toString(16)}`,
  '\tmtime=<time>',
  `\tmzxid=${times.mzxid.toString(16)}`,
  `\t${versions}`,
  `\tephemeralOwner = ${owner}`,
];

const c1Created = { czxid: 2, mzxid: 2 };
const c1Updated = { czxid: 2, mzxid: 3 };

/** What Apache ZooKeeper 3.8 makes the C shell print for `script` on a fresh server. */
const expected: Record<string, string[]> = {
  'create /c1': ['Creating [/c1] node (mode: 0)', '[/c1]: rc = 0', '\tname = /c1'],
  'get /c1': [
    ...['/c1: rc = 0', ' value_len = 3', 'new', 'Stat:'],
    ...stat(c1Created, 'version=0\taversion=0'),
  ],
  'set /c1 world': [
    'Watcher CHANGED_EVENT state = CONNECTED_STATE for path /c1',
    '/c1: rc = 0 Stat:',
    ...stat(c1Updated, 'version=1\taversion=0'),
  ],
  'get /c1#2': [
    ...['/c1: rc = 0', ' value_len = 5', 'world', 'Stat:'],
    ...stat(c1Updated, 'version=1\taversion=0'),
  ],
  'ls /c1': ['/c1: rc = 0'],
  'create +s /c1/s-': [
    'Creating [/c1/s-] node (mode: 2)',
    'Watcher CHILD_EVENT state = CONNECTED_STATE for path /c1',
    '[/c1/s-]: rc = 0',
    '\tname = /c1/s-0000000000',
  ],
  'create +e /c1/e': ['Creating [/c1/e] node (mode: 1)', '[/c1/e]: rc = 0', '\tname = /c1/e'],
  'ls2 /c1': [
    ...['/c1: rc = 0', '\te', '\ts-0000000000'],
    ...stat(c1Updated, 'version=1\taversion=0'),
  ],
  'get /c1/e': [
    ...['/c1/e: rc = 0', ' value_len = 3', 'new', 'Stat:'],
    ...stat({ czxid: 5, mzxid: 5 }, 'version=0\taversion=0', '<session>'),
  ],
  'exists /c1/e': [],
  'exists /nope': ['Error -101 for /nope'],
  'delete /c1': ['/c1: rc = -111'],
  'create /c1#2': ['Creating [/c1] node (mode: 0)', '[/c1]: rc = -110'],
  'sync /c1': ['[/c1]: rc = 0', '\tname = /c1'],
  'create2 /c2': [
    ...['Creating [/c2] node (mode: 0)', '[/c2]: rc = 0', '\tname = /c2'],
    // ZooKeeper: a failed write still takes a zxid (an error txn), so delete and create above
    // used 6 and 7.
    ...stat({ czxid: 8, mzxid: 8 }, 'version=0\taversion=0'),
  ],
  'wexists /c2': [],
  'set /c2 x': [
    'Watcher CHANGED_EVENT state = CONNECTED_STATE for path /c2',
    '/c2: rc = 0 Stat:',
    ...stat({ czxid: 8, mzxid: 9 }, 'version=1\taversion=0'),
  ],
  'delete /c2': ['/c2: rc = 0'],
  'ls /': ['/: rc = 0', '\tc1', '\tzookeeper'],
  'delete /c1/e': [
    'Watcher DELETED_EVENT state = CONNECTED_STATE for path /c1/e',
    'Watcher CHILD_EVENT state = CONNECTED_STATE for path /c1',
    '/c1/e: rc = 0',
  ],
  'get /c1/e#2': ['/c1/e: rc = -101', 'Stat:', 'null'],
};

/** The transcript keyed like `expected` (a repeated command gets `#2`). */
function keyedTranscript(transcript: CliTranscript): Record<string, string[]> {
  const keyed: Record<string, string[]> = {};
  for (const step of transcript.steps) {
    const key = step.command in keyed ? `${step.command}#2` : step.command;
    keyed[key] = normalizeStep(step, transcript.sessionId);
  }
  return keyed;
}

/** The steps each test compares, by what they exercise. */
const groups: Record<string, readonly string[]> = {
  'crud: create, get, set, create2, delete and sync print the Stat Apache prints': [
    'create /c1',
    'get /c1',
    'set /c1 world',
    'get /c1#2',
    'sync /c1',
    'create2 /c2',
    'delete /c2',
  ],
  'nodes: sequential and ephemeral creates, children lists and the ephemeral owner': [
    'ls /c1',
    'create +s /c1/s-',
    'create +e /c1/e',
    'ls2 /c1',
    'get /c1/e',
    'ls /',
  ],
  'errors: NoNode, NotEmpty and NodeExists come back as the C client codes': [
    'exists /nope',
    'delete /c1',
    'create /c1#2',
    'get /c1/e#2',
  ],
  'watches: data, child and exists watches fire before the reply that triggered them': [
    'exists /c1/e',
    'wexists /c2',
    'set /c2 x',
    'delete /c1/e',
  ],
};

const pick = (from: Record<string, string[]>, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.map((key) => [key, from[key]]));

for (const { target, isAvailable, reason } of targets) {
  const skipReason = !shell.available ? shell.reason : isAvailable ? '' : reason;
  const title = `C client shell against ${target.name}`;
  describe.skipIf(skipReason !== '')(
    skipReason ? `${title} (SKIPPED: ${skipReason})` : title,
    () => {
      const server = useServer(target, { tickMs: 2000 });
      let transcript: CliTranscript = { sessionId: '', steps: [], exitCode: null };
      let keyed: Record<string, string[]> = {};
      beforeAll(async () => {
        if (!shell.available) throw new Error(shell.reason);
        const { connectString } = server();
        transcript = await runCClientScript({
          binary: shell.path,
          connectString,
          commands: script,
        });
        keyed = keyedTranscript(transcript);
      }, 45_000);

      for (const [name, keys] of Object.entries(groups)) {
        test(name, () => {
          expect(pick(keyed, keys)).toEqual(pick(expected, keys));
        });
      }

      test('session: the shell connects, runs every step and quits cleanly', () => {
        expect(transcript.sessionId).toMatch(/^[0-9a-f]+$/);
        expect(Object.keys(keyed).sort()).toEqual(Object.keys(expected).sort());
        expect(Object.values(groups).flat().sort()).toEqual(Object.keys(expected).sort());
        expect(transcript.exitCode).toBe(0);
      });
    },
  );
}
