// ServerStats tests: ZooKeeper's AvgMinMaxCounter (0/0/0 when empty, avg rounded half-up to
// 4 decimals, resetMax) and BufferStats (−1 until the first size) behaviour.

import { describe, expect, test } from 'vitest';
import { ServerStats } from './server-stats.js';

describe('ServerStats', () => {
  test('latency is 0/0/0 before any request', () => {
    expect(new ServerStats().latency()).toEqual({ minMs: 0, avgMs: 0, maxMs: 0 });
  });

  test('min/avg/max over whole milliseconds, avg rounded half-up to 4 decimals', () => {
    const stats = new ServerStats();
    for (const latency of [1, 16, 1.9, -3]) stats.recordLatency(latency);
    expect(stats.latency()).toEqual({ minMs: 1, avgMs: 6, maxMs: 16 });
    const thirds = new ServerStats();
    for (const latency of [0, 0, 1]) thirds.recordLatency(latency);
    expect(thirds.latency().avgMs).toBe(0.3333);
    const half = new ServerStats();
    for (let index = 0; index < 15; index += 1) half.recordLatency(0);
    half.recordLatency(1);
    expect(half.latency().avgMs).toBe(0.0625);
    const rounding = new ServerStats();
    // 1/32 = 0.03125 → 0.0313 (half-up).
    for (let index = 0; index < 31; index += 1) rounding.recordLatency(0);
    rounding.recordLatency(1);
    expect(rounding.latency().avgMs).toBe(0.0313);
  });

  test('packet counters count and reset; srst also resets latency and response sizes', () => {
    const stats = new ServerStats();
    stats.incrementPacketsReceived();
    stats.incrementPacketsReceived(2);
    stats.incrementPacketsSent();
    stats.recordLatency(5);
    stats.recordClientResponseSize(93);
    stats.incrementAuthFailed();
    expect([stats.packetsReceived, stats.packetsSent]).toEqual([3, 1]);
    stats.reset();
    expect([stats.packetsReceived, stats.packetsSent]).toEqual([0, 0]);
    expect(stats.latency()).toEqual({ minMs: 0, avgMs: 0, maxMs: 0 });
    expect(stats.clientResponseSize()).toEqual({ last: -1, min: -1, max: -1 });
    expect(stats.authFailedCount).toBe(1);
  });

  test('resetMaxLatency lowers the max to the current min', () => {
    const stats = new ServerStats();
    stats.recordLatency(3);
    stats.recordLatency(9);
    stats.resetMaxLatency();
    expect(stats.latency()).toEqual({ minMs: 3, avgMs: 6, maxMs: 3 });
  });

  test('client response sizes keep last, min and max', () => {
    const stats = new ServerStats();
    expect(stats.clientResponseSize()).toEqual({ last: -1, min: -1, max: -1 });
    stats.recordClientResponseSize(93);
    stats.recordClientResponseSize(16);
    stats.recordClientResponseSize(40);
    expect(stats.clientResponseSize()).toEqual({ last: 40, min: 16, max: 93 });
  });
});
