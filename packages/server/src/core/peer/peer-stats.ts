// Server-wide request counters (ZooKeeper's ServerStats) kept by the core as it answers:
// packets in and out, and request latency measured in the core's own (injected) time. A host
// that exports metrics injects `observer` to see each answered request as well.

/** Told of every answered request: its op code and latency in the core's time. */
export type RequestObserver = (opCode: number, latencyMs: number) => void;

export class PeerStats {
  packetsReceived = 0;
  packetsSent = 0;
  private minLatencyMs = Number.MAX_SAFE_INTEGER;
  private maxLatencyMs = 0;
  private totalLatencyMs = 0;
  private latencyCount = 0;
  /** Set by the host (the admin metrics); a reset leaves it in place. */
  observer: RequestObserver | null = null;

  recordLatency(latencyMs: number, opCode: number): void {
    this.observer?.(opCode, latencyMs);
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
