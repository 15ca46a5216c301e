// `zoo-data reset DIR`: the operator's repair for an ensemble member whose data is lost or that
// recovery refused (a corrupt log or snapshot). It empties the directory — keeping `myid`, the
// member's identity — and marks it rejoining in a new `epochs` file, so the member, started
// again, syncs from a leader the other voters elected before it votes (core/zab/rejoin.ts). An
// emptied directory without the mark would vote at once and could, with a member holding an
// older history, found an epoch twice. It takes the directory's lock, so it refuses to run
// beside a live member.

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { lockDataDir, lockFileName } from './data-dir-lock.js';
import { fsyncDirectory, nodeDiskFs } from './disk-fs.js';
import { writeEpochs } from './epochs-file.js';

/** Files an operator keeps: the member's id (ZooKeeper's `myid` lives in dataDir too). */
const keptNames = new Set(['myid', lockFileName]);

/** Empties `dataDir` (and `logDir`, if the log segments are elsewhere); returns what it removed. */
export async function resetDataDir(dataDir: string, logDir: string = dataDir): Promise<string[]> {
  const lock = await lockDataDir(dataDir);
  const logLock = logDir === dataDir ? null : await lockDataDir(logDir);
  try {
    const removed: string[] = [];
    for (const dir of logDir === dataDir ? [dataDir] : [dataDir, logDir]) {
      for (const name of (await readdir(dir)).sort()) {
        if (keptNames.has(name) || name.startsWith(`${lockFileName}.pending.`)) continue;
        await rm(join(dir, name), { recursive: true, force: true });
        removed.push(join(dir, name));
      }
      await fsyncDirectory(nodeDiskFs, dir);
    }
    await writeEpochs(nodeDiskFs, dataDir, {
      acceptedEpoch: 0,
      currentEpoch: 0,
      isRejoining: true,
    });
    return removed;
  } finally {
    await logLock?.release();
    await lock.release();
  }
}
