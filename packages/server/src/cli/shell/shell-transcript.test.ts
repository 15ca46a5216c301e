// Every shell command at least once, run without a terminal (as `zoo shell -c …` runs them)
// against Zoo and against Apache ZooKeeper 3.8: both must print the same transcript, zkCli's.
// Stat times, zxids and session ids differ from run to run and are masked before comparing.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeper,
} from '../../../../../test/support/apache-zookeeper.js';
import { startServer } from '../../start-server.js';
import { usageLines } from './command-table.js';
import { runShellLines } from './run-lines.js';
import { expectedTranscript, masked, transcriptScript } from './testing/transcript-script.js';

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
