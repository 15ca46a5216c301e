// Configuration of a peer's deterministic core, with ZooKeeper's defaults. Everything that would
// be a system property in ZooKeeper is an explicit option here.

import { packetBytesMaxDefault } from '@zoo/client/protocol';
import { snapCountDefault } from './checkpoint-schedule.js';

export interface PeerOptions {
  /** Server id: the top byte of every session id this peer creates (standalone: 1). */
  serverId: number;
  /** tickTime: the unit of session timeouts and expiry buckets. */
  tickMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** zookeeper.extendedTypesEnabled: allows TTL nodes. */
  extendedTypesEnabled: boolean;
  /** zookeeper.skipACL. */
  skipAcl: boolean;
  /** zookeeper.DigestAuthenticationProvider.superDigest, as `user:base64hash`. */
  superDigest: string | null;
  /** jute.maxbuffer. */
  packetBytesMax: number;
  /** znode.container.checkIntervalMs: how often containers and TTL nodes are reaped. */
  containerCheckIntervalMs: number;
  /** znode.container.maxNeverUsedIntervalMs (0 = never reap a container that never had a child). */
  containerMaxNeverUsedIntervalMs: number;
  /** Requests a connection may have waiting for earlier writes before it is closed. */
  pendingRequestsPerConnectionMax: number;
  /** zookeeper.snapCount: about this many applied txns between checkpoints (CheckpointSchedule). */
  snapCount: number;
  /** The monotonic time at start, which seeds session ids (ZooKeeper uses its elapsed clock). */
  startMs: number;
  /**
   * digest auth: `user:password` → `user:base64(sha1(user:password))`. Hashing is injected because
   * the core has no crypto; the runtime passes node:crypto's SHA-1, the simulator the same.
   */
  digestOf: (userAndPassword: string) => string;
}

export type PeerOptionsInput = Partial<PeerOptions> & Pick<PeerOptions, 'digestOf' | 'startMs'>;

export function resolvePeerOptions(input: PeerOptionsInput): PeerOptions {
  const tickMs = input.tickMs ?? 2000;
  const options: PeerOptions = {
    serverId: input.serverId ?? 1,
    tickMs,
    minSessionTimeoutMs: input.minSessionTimeoutMs ?? 2 * tickMs,
    maxSessionTimeoutMs: input.maxSessionTimeoutMs ?? 20 * tickMs,
    extendedTypesEnabled: input.extendedTypesEnabled ?? false,
    skipAcl: input.skipAcl ?? false,
    superDigest: input.superDigest ?? null,
    packetBytesMax: input.packetBytesMax ?? packetBytesMaxDefault,
    containerCheckIntervalMs: input.containerCheckIntervalMs ?? 60_000,
    containerMaxNeverUsedIntervalMs: input.containerMaxNeverUsedIntervalMs ?? 0,
    pendingRequestsPerConnectionMax: input.pendingRequestsPerConnectionMax ?? 100_000,
    snapCount: input.snapCount ?? snapCountDefault,
    startMs: input.startMs,
    digestOf: input.digestOf,
  };
  if (options.serverId < 1 || options.serverId > 254) {
    // ZooKeeper: EphemeralType — with extended types the id must keep 0xFF out of the top byte.
    throw new RangeError(`serverId must be within 1..254, got ${options.serverId}`);
  }
  if (!Number.isSafeInteger(options.snapCount) || options.snapCount < 2) {
    throw new RangeError(`snapCount must be an integer of at least 2, got ${options.snapCount}`);
  }
  if (options.tickMs <= 0) throw new RangeError(`tickMs must be positive, got ${options.tickMs}`);
  if (options.minSessionTimeoutMs > options.maxSessionTimeoutMs) {
    throw new RangeError('minSessionTimeoutMs must not exceed maxSessionTimeoutMs');
  }
  return options;
}
