// Server-wide request counters (ZooKeeper's ServerStats) kept by the core as it answers:
// packets in and out, and request latency measured in the core's own (injected) time.

export class PeerStats {
  packetsReceived = 0;
  packetsSent = 0;
  private minLatencyMs = Number.MAX_SAFE_INTEGER;
  private maxLatencyMs = 0;
  private totalLatencyMs = 0;
  private latencyCount = 0;

  recordLatency(latencyMs: number): void {
    this.minLatencyMs = Math.min(this.minLatencyMs, latencyMs);
    this.maxLatencyMs = Math.max(this.maxLatencyMs, latencyMs);
    this.totalLatencyMs += latencyMs;
    this.latencyCount += 1;
  }

  /** min/avg/max in ms; all 0 before the first request, as ZooKeeper prints them. */
  latency(): { minMs: number; avgMs: number; maxMs: number } {
    if (this.latencyCount === 0) return { minMs: 0, avgMs: 0, maxMs: 0 };
    const avgMs = Math.round((this.totalLatencyMs / this.latencyCount) * 10_000) / 10_000;
    return { minMs: this.minLatencyMs, avgMs, maxMs: this.maxLatencyMs };
  }

  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.minLatencyMs = Number.MAX_SAFE_INTEGER;
    this.maxLatencyMs = 0;
    this.totalLatencyMs = 0;
    this.latencyCount = 0;
  }
}
