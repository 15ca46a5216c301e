// Builds the wchs / wchc / wchp view of the watch registry: ZooKeeper prints session ids where
// the registry keys watches by connection, so the runtime supplies the mapping.

import type { WatchRegistry } from '../core/watches/watch-registry.js';
import type { WatchSummary } from './server-snapshot.js';

type WatchRegistryView = Pick<
  WatchRegistry,
  | 'connectionsWatching'
  | 'pathsWatched'
  | 'dataWatchCount'
  | 'summaryByConnection'
  | 'summaryByPath'
>;

/** `sessionIdOf` answers 0n for a connection without a session, as ZooKeeper prints 0x0. */
export function watchSummaryOf(
  registry: WatchRegistryView,
  sessionIdOf: (connectionId: number) => bigint,
): WatchSummary {
  const bySession = new Map<bigint, string[]>();
  for (const [connectionId, paths] of registry.summaryByConnection()) {
    const sessionId = sessionIdOf(connectionId);
    bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), ...paths]);
  }
  const byPath = new Map<string, bigint[]>();
  for (const [path, connectionIds] of registry.summaryByPath()) {
    byPath.set(path, connectionIds.map(sessionIdOf));
  }
  return {
    connectionsWatching: registry.connectionsWatching(),
    pathsWatched: registry.pathsWatched(),
    totalWatches: registry.dataWatchCount(),
    bySession,
    byPath,
  };
}
