// Builds the setWatches / setWatches2 requests a reconnecting session sends so that the new
// server re-arms its watches and fires the events it missed (relative to lastZxidSeen).
// ZooKeeper: ClientCnxn.SendThread.primeConnection.

import type { SetWatchesRequest } from '../protocol/index.js';
import type { WatchKind, WatchTable } from './watch-table.js';

/** ZooKeeper: ClientCnxn.SET_WATCHES_MAX_LENGTH — path text per packet, 128 KiB. */
export const setWatchesPathBytesMax = 128 * 1024;

type PathLists = Record<WatchKind, string[]>;

/**
 * One request per batch of at most `setWatchesPathBytesMax` path characters (a batch always
 * takes at least one path). Paths are client paths; the session applies the chroot. A batch
 * without persistent watches goes as setWatches (101), which older servers understand.
 */
export function buildSetWatches<L>(
  table: WatchTable<L>,
  relativeZxid: bigint,
  pathBytesMax = setWatchesPathBytesMax,
): SetWatchesRequest[] {
  const kinds: WatchKind[] = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'];
  const requests: SetWatchesRequest[] = [];
  let batch = emptyLists();
  let batchBytes = 0;
  let batchCount = 0;
  for (const kind of kinds) {
    for (const path of table.paths(kind)) {
      if (batchCount > 0 && batchBytes + path.length > pathBytesMax) {
        requests.push(toRequest(batch, relativeZxid));
        batch = emptyLists();
        batchBytes = 0;
        batchCount = 0;
      }
      batch[kind].push(path);
      batchBytes += path.length;
      batchCount += 1;
    }
  }
  if (batchCount > 0) requests.push(toRequest(batch, relativeZxid));
  return requests;
}

function emptyLists(): PathLists {
  return { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
}

function toRequest(lists: PathLists, relativeZxid: bigint): SetWatchesRequest {
  const hasPersistent = lists.persistent.length > 0 || lists.persistentRecursive.length > 0;
  return {
    type: 'setWatches',
    version: hasPersistent ? 2 : 1,
    relativeZxid,
    dataWatches: lists.data,
    existWatches: lists.exist,
    childWatches: lists.child,
    persistentWatches: lists.persistent,
    persistentRecursiveWatches: lists.persistentRecursive,
  };
}
