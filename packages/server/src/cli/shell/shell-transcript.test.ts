// Every shell command at least once, run without a terminal (as `zoo shell -c …` runs them)
// against Zoo and against Apache ZooKeeper 3.8: both must print the same transcript, zkCli's.
// Stat times, zxids and session ids differ from run to run and are masked before comparing.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeper,
} from '../../../../../test/support/apache-zookeeper.js';
import { startServer } from '../../start-server.js';
import { usageLines } from './command-table.js';
import { runShellLines } from './run-lines.js';
import { expectedTranscript, transcriptScript } from './testing/transcript-script.js';

interface Running {
  connectString: string;
  stop(): Promise<void>;
}

const targets: Record<string, () => Promise<Running>> = {
  zoo: async () => {
    const server = await startServer({ port: 0, extendedTypesEnabled: true });
    return { connectString: server.connectString, stop: () => server.close() };
  },
  apache: async () => {
    const zookeeper = await startApacheZooKeeper();
    return { connectString: zookeeper.connectString, stop: () => zookeeper.stop() };
  },
};

/** Masks what changes between runs: times, zxids, session ids, the digest of the password. */
function masked(text: string): string {
  const digest = createHash('sha1').update('alice:secret').digest('base64');
  return (
    text
      .replace(/^(ctime|mtime) = \w{3} \w{3} \d\d \d\d:\d\d:\d\d \S+ \d{4}$/gm, '$1 = <time>')
      .replace(/^(cZxid|mZxid|pZxid) = 0x[0-9a-f]+$/gm, '$1 = <zxid>')
      .replace(/^ephemeralOwner = 0x[0-9a-f]{2,}$/gm, 'ephemeralOwner = <session>')
      .replace(`'digest,'alice:${digest}`, `'digest,'alice:<sha1 of alice:secret>`)
      // Apache ZooKeeper keeps a connection's identities in a hash set: whoami lists them in any
      // order, and Zoo in the order they were added.
      .replace(/^digest: alice\nip: 127\.0\.0\.1$/m, 'ip: 127.0.0.1\ndigest: alice')
  );
}

const isApacheInstalled = isApacheZooKeeperInstalled();
if (!isApacheInstalled) console.warn('shell transcript: Apache ZooKeeper is not installed');

describe.each(Object.keys(targets).filter((name) => name === 'zoo' || isApacheInstalled))(
  'zoo shell without a terminal, against %s',
  (name) => {
    let running: Running | undefined;
    beforeAll(async () => {
      running = await targets[name]?.();
    }, 60_000);
    afterAll(async () => {
      await running?.stop();
    });

    test('every command prints what zkCli prints; an error makes the exit code 1', async () => {
      const connectString = running?.connectString ?? '';
      let transcript = '';
      const code = await runShellLines({
        connectString,
        sessionTimeoutMs: 10_000,
        lines: transcriptScript(connectString),
        out: (text) => (transcript += text),
        err: (text) => (transcript += text.replace(/^(?=.)/gm, 'stderr: ')),
      });
      expect(masked(transcript)).toBe(expectedTranscript(usageLines()));
      expect(code).toBe(1);
    }, 60_000);
  },
);
