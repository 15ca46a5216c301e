// Server-wide counters the four-letter words and mntr report (ZooKeeper: ServerStats,
// AvgMinMaxCounter, BufferStats). Latencies arrive as numbers; this class never reads a clock.

import type { BufferSizes, LatencySnapshot } from './server-snapshot.js';

/** BufferStats.INIT_VALUE: what last/min/max read before the first recorded size. */
const noSize = -1;

export class ServerStats {
  private packetsReceivedCount = 0;
  private packetsSentCount = 0;
  private latencyCount = 0;
  private latencyTotalMs = 0;
  private latencyMinMs = Number.POSITIVE_INFINITY;
  private latencyMaxMs = Number.NEGATIVE_INFINITY;
  private responseSizes: BufferSizes = { last: noSize, min: noSize, max: noSize };
  private authFailures = 0;

  get packetsReceived(): number {
    return this.packetsReceivedCount;
  }

  get packetsSent(): number {
    return this.packetsSentCount;
  }

  get authFailedCount(): number {
    return this.authFailures;
  }

  incrementPacketsReceived(count = 1): void {
    this.packetsReceivedCount += count;
  }

  incrementPacketsSent(count = 1): void {
    this.packetsSentCount += count;
  }

  incrementAuthFailed(): void {
    this.authFailures += 1;
  }

  /**
   * One request's latency. ZooKeeper measures whole milliseconds (longs), so fractions are
   * dropped; a negative latency (a clock step) is ignored, as ServerStats.updateLatency does.
   */
  recordLatency(latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    const wholeMs = Math.floor(latencyMs);
    this.latencyCount += 1;
    this.latencyTotalMs += wholeMs;
    this.latencyMinMs = Math.min(this.latencyMinMs, wholeMs);
    this.latencyMaxMs = Math.max(this.latencyMaxMs, wholeMs);
  }

  /** min/avg/max in ms; 0/0/0 before any request. avg is rounded half-up to 4 decimals. */
  latency(): LatencySnapshot {
    if (this.latencyCount === 0) return { minMs: 0, avgMs: 0, maxMs: 0 };
    return {
      minMs: this.latencyMinMs,
      avgMs: roundHalfUp4(this.latencyTotalMs, this.latencyCount),
      maxMs: this.latencyMaxMs,
    };
  }

  /** ZooKeeper: BufferStats.setLastBufferSize. */
  recordClientResponseSize(bytes: number): void {
    const { min, max } = this.responseSizes;
    this.responseSizes = {
      last: bytes,
      min: min === noSize || bytes < min ? bytes : min,
      max: bytes > max ? bytes : max,
    };
  }

  clientResponseSize(): BufferSizes {
    return { ...this.responseSizes };
  }

  resetLatency(): void {
    this.latencyCount = 0;
    this.latencyTotalMs = 0;
    this.latencyMinMs = Number.POSITIVE_INFINITY;
    this.latencyMaxMs = Number.NEGATIVE_INFINITY;
  }

  /** ZooKeeper: AvgMinMaxCounter.resetMax — the max drops to the current min. */
  resetMaxLatency(): void {
    this.latencyMaxMs = this.latencyCount === 0 ? Number.NEGATIVE_INFINITY : this.latencyMinMs;
  }

  resetRequestCounters(): void {
    this.packetsReceivedCount = 0;
    this.packetsSentCount = 0;
  }

  /** What `srst` does (ZooKeeper: ServerStats.reset). The auth failure count survives it. */
  reset(): void {
    this.resetLatency();
    this.resetRequestCounters();
    this.responseSizes = { last: noSize, min: noSize, max: noSize };
  }
}

/** total / count rounded half-up to 4 decimals, computed exactly on integers. */
function roundHalfUp4(total: number, count: number): number {
  const scaled = Math.floor((2 * total * 10_000 + count) / (2 * count));
  return scaled / 10_000;
}
