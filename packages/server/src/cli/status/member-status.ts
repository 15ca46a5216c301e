// One member's status from its four-letter words: `srvr` (mode, zxid), `mntr` (sessions,
// znodes, watches, packets) and `conf` (its id and the ensemble's `server.N` lines, from which
// the other members are found). Works against Zoo and Apache ZooKeeper alike.

import { askFourLetterWord } from './ask-four-letter-word.js';

export interface MemberStatus {
  address: string;
  /** conf's serverId (0 for a standalone ZooKeeper), or null when unreachable. */
  id: number | null;
  /** leader, follower, observer, standalone, read-only — or `unreachable`, `not serving`. */
  mode: string;
  /** Hex, as srvr prints it (`0x100000002`). */
  zxid: string | null;
  sessions: number | null;
  znodes: number | null;
  watches: number | null;
  connections: number | null;
  outstanding: number | null;
  avgLatencyMs: number | null;
  /** Packets received per second between two samples (null after one sample). */
  opsPerSec: number | null;
  /** Client addresses of the ensemble's members, from conf (empty for a standalone server). */
  peers: string[];
  /** packets_received when sampled, and when, for the next ops/s. */
  packetsReceived: number | null;
  sampledAtMs: number;
  error: string | null;
}

export async function sampleMember(address: string, timeoutMs: number): Promise<MemberStatus> {
  const sampledAtMs = Date.now();
  try {
    // One after another, in the same order every sample: the packet counter that mntr (or
    // srvr) reads then always includes the same own words, which ops/s subtracts. Asked at once,
    // the server could count a word of the previous sample after that sample's read (CI saw
    // 3 ops/s on an idle ZooKeeper).
    const conf = await askFourLetterWord(address, 'conf', timeoutMs);
    const srvr = await askFourLetterWord(address, 'srvr', timeoutMs);
    const mntr = await askFourLetterWord(address, 'mntr', timeoutMs);
    return fromAnswers(
      address,
      { srvr: srvr ?? '', mntr: mntr ?? '', conf: conf ?? '' },
      sampledAtMs,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ...emptyStatus(address, sampledAtMs), error: reason };
  }
}

function emptyStatus(address: string, sampledAtMs: number): MemberStatus {
  return {
    address,
    id: null,
    mode: 'unreachable',
    zxid: null,
    sessions: null,
    znodes: null,
    watches: null,
    connections: null,
    outstanding: null,
    avgLatencyMs: null,
    opsPerSec: null,
    peers: [],
    packetsReceived: null,
    sampledAtMs,
    error: null,
  };
}

function fromAnswers(
  address: string,
  answers: { srvr: string; mntr: string; conf: string },
  sampledAtMs: number,
): MemberStatus {
  const status = emptyStatus(address, sampledAtMs);
  const srvr = keyValues(answers.srvr, ': ');
  const mntr = keyValues(answers.mntr, '\t');
  const conf = keyValues(answers.conf, '=');
  if (srvr.get('Mode') === undefined) {
    // Not serving (no quorum), or a word not whitelisted: say what the server said.
    return { ...status, mode: 'not serving', error: answers.srvr.trim() || null };
  }
  const number = (value: string | undefined): number | null =>
    value === undefined || Number.isNaN(Number(value)) ? null : Number(value);
  return {
    ...status,
    id: number(conf.get('serverId')),
    mode: srvr.get('Mode') ?? 'unknown',
    zxid: srvr.get('Zxid') ?? null,
    sessions: number(mntr.get('zk_global_sessions')),
    znodes: number(mntr.get('zk_znode_count') ?? srvr.get('Node count')),
    watches: number(mntr.get('zk_watch_count')),
    connections: number(mntr.get('zk_num_alive_connections') ?? srvr.get('Connections')),
    outstanding: number(mntr.get('zk_outstanding_requests') ?? srvr.get('Outstanding')),
    avgLatencyMs: number(mntr.get('zk_avg_latency')),
    packetsReceived: number(mntr.get('zk_packets_received') ?? srvr.get('Received')),
    peers: memberClientAddresses(answers.conf),
  };
}

/** `key<separator>value` lines; the first separator splits. */
function keyValues(text: string, separator: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(separator);
    if (at > 0) values.set(line.slice(0, at).trim(), line.slice(at + separator.length).trim());
  }
  return values;
}

/**
 * conf's membership lines, `server.1=host:2888:3888:participant;0.0.0.0:2181`: the client
 * address after `;`, its wildcard host replaced by the member's own.
 */
export function memberClientAddresses(conf: string): string[] {
  const addresses: string[] = [];
  for (const line of conf.split('\n')) {
    const match = /^server\.\d+=([^:;]+)[^;]*;(.+)$/.exec(line.trim());
    if (match === null) continue;
    const [, peerHost = '', client = ''] = match;
    const colon = client.lastIndexOf(':');
    const host = colon < 0 ? '' : client.slice(0, colon);
    const port = colon < 0 ? client : client.slice(colon + 1);
    const isWildcard = host === '' || host === '0.0.0.0' || host === '[0:0:0:0:0:0:0:0]';
    addresses.push(`${isWildcard ? peerHost : host}:${port}`);
  }
  return addresses;
}

/** Words one sample asks: servers count each as a received packet; ops/s leaves them out. */
const wordsPerSample = 3;

/** ops/s: packets received between the previous sample and this one, our own words left out. */
export function withRate(current: MemberStatus, previous: MemberStatus | undefined): MemberStatus {
  if (previous?.packetsReceived == null || current.packetsReceived === null) return current;
  const seconds = (current.sampledAtMs - previous.sampledAtMs) / 1000;
  const packets = Math.max(0, current.packetsReceived - previous.packetsReceived - wordsPerSample);
  if (seconds <= 0 || packets < 0) return current;
  return { ...current, opsPerSec: Math.round((packets / seconds) * 10) / 10 };
}
