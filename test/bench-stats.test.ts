// The benchmark's pure parts (bench/summary.ts, bench/cli-lists.ts): medians and min–max over
// repetitions, the warm-up's 10 % agreement check, and the parsing of `--depth 16,50`.

import { describe, expect, test } from 'vitest';
import { agreesWithin, median, spreadOf, summarize } from '../bench/summary.js';
import { parseCount, parseDepths } from '../bench/cli-lists.js';
import type { WorkloadResult } from '../bench/workloads.js';

function resultOf(opsPerSecond: number, serverCpuUsPerOp: number | null = 10): WorkloadResult {
  return {
    operations: opsPerSecond,
    errors: 0,
    opsPerSecond,
    p50Ms: opsPerSecond / 1000,
    p99Ms: opsPerSecond / 100,
    p999Ms: opsPerSecond / 10,
    serverCpuUsPerOp,
    serverCores: serverCpuUsPerOp === null ? null : 1,
  };
}

describe('bench statistics', () => {
  test('median is the middle value, or the mean of the two middle values for an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  test('spread reports median, min, max and the number of runs', () => {
    expect(spreadOf([120, 100, 90])).toEqual({ median: 100, min: 90, max: 120, runs: 3 });
    expect(spreadOf([])).toBeNull();
  });

  test('summarize gives each figure its median and range over the runs', () => {
    const summary = summarize([resultOf(3000, 30), resultOf(1000, 10), resultOf(2000, 20)]);
    expect(summary?.opsPerSecond).toEqual({ median: 2000, min: 1000, max: 3000, runs: 3 });
    expect(summary?.p99Ms.median).toBe(20);
    expect(summary?.p999Ms).toEqual({ median: 200, min: 100, max: 300, runs: 3 });
    expect(summary?.serverCpuUsPerOp?.median).toBe(20);
    expect(summarize([])).toBeNull();
  });

  test('summarize leaves CPU per op out when a run could not read it', () => {
    const summary = summarize([resultOf(1000, 10), resultOf(2000, null), resultOf(3000, 30)]);
    expect(summary?.serverCpuUsPerOp).toBeNull();
    expect(summary?.opsPerSecond.median).toBe(2000);
  });

  test('two passes agree within 10 % relative to the earlier one, and not beyond', () => {
    expect(agreesWithin(1000, 1090, 0.1)).toBe(true);
    expect(agreesWithin(1000, 905, 0.1)).toBe(true);
    expect(agreesWithin(1000, 1150, 0.1)).toBe(false);
    expect(agreesWithin(1000, 850, 0.1)).toBe(false);
    expect(agreesWithin(0, 0, 0.1)).toBe(true);
  });
});

describe('bench command-line lists', () => {
  test('parses depths in the order given and drops duplicates', () => {
    expect(parseDepths('16,50')).toEqual([16, 50]);
    expect(parseDepths(' 50 , 16,50')).toEqual([50, 16]);
    expect(parseDepths('1')).toEqual([1]);
  });

  test('rejects a depth that is not a positive integer', () => {
    expect(() => parseDepths('16,0')).toThrow(/positive integers: 0/);
    expect(() => parseDepths('16,x')).toThrow(/positive integers: x/);
    expect(() => parseDepths('2.5')).toThrow(/positive integers/);
    expect(() => parseDepths('')).toThrow(/positive integers/);
  });

  test('rejects a count below one', () => {
    expect(parseCount('3')).toBe(3);
    expect(() => parseCount('0')).toThrow(/positive integer/);
    expect(() => parseCount('1.5')).toThrow(/positive integer/);
  });
});
