// dump / wchs / wchc / wchp / conf / envi / dirs / hash text (ZooKeeper: DumpCommand,
// ExpiryQueue.dump, DataTree.dumpEphemerals, WatchManager.dumpWatches, dumpConf, Environment).

import { javaDateUtc, javaHex } from './java-format.js';
import type { ConfigSnapshot, ServerSnapshot, WatchSummary } from './server-snapshot.js';

/** dump: session expiry buckets, ephemerals per session, connection expiry buckets. */
export function dumpText(snapshot: ServerSnapshot): string {
  const sessions = snapshot.sessions.map((session) => ({
    expiresAtMs: session.expiresAtMs,
    text: `0x${javaHex(session.sessionId)}`,
  }));
  // ZooKeeper: NIOServerCnxn.toString, as the connection expiry queue prints its elements.
  const connections = snapshot.connections.map((connection) => {
    const sessionId = connection.session?.sessionId ?? 0n;
    return {
      expiresAtMs: connection.expiresAtMs,
      text: `ip: ${connection.remoteAddress} sessionId: 0x${javaHex(sessionId)}`,
    };
  });
  let text = 'SessionTracker dump:\n';
  text += `Session ${expiryQueueText(sessions, snapshot.epochOffsetMs)}`;
  text += 'ephemeral nodes dump:\n';
  text += `Sessions with Ephemerals (${snapshot.ephemeralsBySession.size}):\n`;
  for (const [sessionId, paths] of snapshot.ephemeralsBySession) {
    text += `0x${javaHex(sessionId)}:\n`;
    for (const path of paths) text += `\t${path}\n`;
  }
  text += 'Connections dump:\n';
  text += `Connections ${expiryQueueText(connections, snapshot.epochOffsetMs)}`;
  return text;
}

/** ZooKeeper: ExpiryQueue.dump — `Sets (buckets)/(elements):`, then each bucket by time. */
function expiryQueueText(
  elements: readonly { expiresAtMs: number; text: string }[],
  epochOffsetMs: number,
): string {
  const buckets = new Map<number, string[]>();
  for (const element of elements) {
    const bucket = buckets.get(element.expiresAtMs) ?? [];
    bucket.push(element.text);
    buckets.set(element.expiresAtMs, bucket);
  }
  let text = `Sets (${buckets.size})/(${elements.length}):\n`;
  const times = [...buckets.keys()].sort((left, right) => left - right);
  for (const time of times) {
    const bucket = buckets.get(time) ?? [];
    text += `${bucket.length} expire at ${javaDateUtc(time + epochOffsetMs)}:\n`;
    for (const element of bucket) text += `\t${element}\n`;
  }
  return text;
}

/** wchs / wchc / wchp, each followed by the extra newline WatchCommand prints. */
export function watchText(word: 'wchs' | 'wchc' | 'wchp', watches: WatchSummary): string {
  if (word === 'wchs') {
    // ZooKeeper: WatchManager.toString.
    return (
      `${watches.connectionsWatching} connections watching ${watches.pathsWatched} paths\n` +
      `Total watches:${watches.totalWatches}\n`
    );
  }
  let text = '';
  if (word === 'wchp') {
    for (const [path, sessionIds] of watches.byPath) {
      text += `${path}\n`;
      for (const sessionId of sessionIds) text += `\t0x${javaHex(sessionId)}\n`;
    }
  } else {
    for (const [sessionId, paths] of watches.bySession) {
      text += `0x${javaHex(sessionId)}\n`;
      for (const path of paths) text += `\t${path}\n`;
    }
  }
  return `${text}\n`;
}

/** conf (ZooKeeper: ZooKeeperServer.dumpConf, QuorumZooKeeperServer.dumpConf). */
export function confText(config: ConfigSnapshot): string {
  const lines = [
    `clientPort=${config.clientPort}`,
    `secureClientPort=${config.secureClientPort}`,
    `dataDir=${config.dataDir}`,
    `dataDirSize=${config.dataDirSize}`,
    `dataLogDir=${config.dataLogDir}`,
    `dataLogSize=${config.dataLogSize}`,
    `tickTime=${config.tickTime}`,
    `maxClientCnxns=${config.maxClientCnxns}`,
    `minSessionTimeout=${config.minSessionTimeout}`,
    `maxSessionTimeout=${config.maxSessionTimeout}`,
    `clientPortListenBacklog=${config.clientPortListenBacklog}`,
    `serverId=${config.serverId}`,
  ];
  const quorum = config.quorum;
  if (quorum !== null) {
    lines.push(
      `initLimit=${quorum.initLimit}`,
      `syncLimit=${quorum.syncLimit}`,
      `electionAlg=${quorum.electionAlg}`,
      `electionPort=${quorum.electionPort}`,
      `quorumPort=${quorum.quorumPort}`,
      `peerType=${quorum.peerType}`,
      'membership: ',
      ...quorum.membership,
    );
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** envi: `Environment:` then `key=value` lines. */
export function envText(snapshot: ServerSnapshot): string {
  return `Environment:\n${snapshot.env.map(([key, value]) => `${key}=${value}\n`).join('')}`;
}

export function dirsText(config: ConfigSnapshot): string {
  return `datadir_size: ${config.dataDirSize}\nlogdir_size: ${config.dataLogSize}\n`;
}

/** hash: `<hex zxid>: <digest>` per logged digest (ZooKeeper: DigestCommand). */
export function hashText(snapshot: ServerSnapshot): string {
  return snapshot.digestLog
    .map(({ zxid, digest }) => `${javaHex(zxid)}: ${digest.toString()}\n`)
    .join('');
}
