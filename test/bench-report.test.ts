// The benchmark's results file and HTML page (bench/results.ts, chart-specs.ts, html-report.ts)
// and its small pure helpers: from given results they produce the expected structure.

import { describe, expect, test } from 'vitest';
import { checkResults, distributionOf, emptyResults } from '../bench/results.js';
import type { BenchResults, ThroughputTable } from '../bench/results.js';
import { chartSpecsOf } from '../bench/chart-specs.js';
import { chartLibrarySource, renderReport, scriptJson } from '../bench/html-report.js';
import { percentile, summarize } from '../bench/summary.js';
import type { WorkloadResult } from '../bench/measured-window.js';
import { znodePaths } from '../bench/znode-memory.js';
import { parseHeapUsedMib } from '../bench/jvm-heap.js';
import { isProgressShown } from '../bench/progress.js';

function run(opsPerSecond: number): WorkloadResult {
  const base = { operations: opsPerSecond, errors: 0, opsPerSecond, p50Ms: 0.5, p99Ms: 2 };
  return { ...base, p999Ms: 9, serverCpuUsPerOp: 20, serverCores: 0.5 };
}

function table(section: string, clients: number, zooOps: number[], zkOps: number[]) {
  const systems = [
    { system: 'zoo' as const, runs: zooOps.map(run), summary: summarize(zooOps.map(run)) },
    { system: 'zookeeper' as const, runs: zkOps.map(run), summary: summarize(zkOps.map(run)) },
  ];
  const result: ThroughputTable = {
    section,
    title: `${section} table`,
    clients,
    inFlightPerClient: 16,
    rows: [
      { workload: 'get', systems },
      { workload: 'mixed', systems },
    ],
  };
  return result;
}

function sampleResults(): BenchResults {
  const results = emptyResults({
    startedAt: new Date('2026-12-07T03:00:00Z'),
    cores: 2,
    loadAverage: [1, 2, 3],
    command: ['--sections', 'standalone'],
    method: 'one system at a time',
  });
  results.throughput.push(table('standalone', 8, [300, 100, 200], [100, 50, 80]));
  results.throughput.push(table('scaling', 4, [40], [20]), table('scaling', 1, [10], [5]));
  const samplesMs = [3, 1, 2];
  results.distributions.push(
    distributionOf({ section: 'handover', label: 'Lock, 1 waiter', system: 'zoo', samplesMs }),
  );
  results.znodeMemory.push({
    system: 'zookeeper',
    znodes: 1000,
    dataBytes: 100,
    rssBeforeMib: 100,
    rssAfterMib: 101,
    heapBeforeMib: 10,
    heapAfterMib: 10.5,
    rssBytesPerZnode: 1048.576,
    heapBytesPerZnode: 524.288,
  });
  return results;
}

describe('bench results file', () => {
  test('results survive a JSON round trip and pass the schema check', () => {
    const parsed: unknown = JSON.parse(JSON.stringify(sampleResults()));
    expect(checkResults(parsed)).toEqual([]);
    expect(checkResults(emptyResults({ ...sampleMeta() }))).toEqual([]);
  });

  test('the schema check names what a file lacks', () => {
    const broken = JSON.parse(JSON.stringify(sampleResults())) as Record<string, unknown>;
    delete broken['method'];
    broken['distributions'] = [{ section: 'handover' }];
    expect(checkResults(broken)).toEqual([
      'lacks method',
      'distributions[0] lacks label',
      'distributions[0] lacks system',
      'distributions[0] lacks samplesMs',
    ]);
    expect(checkResults({ schema: 'other/1' })).toEqual(['schema is not zoo-bench-results/1']);
    expect(checkResults([])).toEqual(['not an object']);
  });

  test('a distribution has the median, range and nearest-rank p99 of its samples', () => {
    const samplesMs = Array.from({ length: 100 }, (_, i) => i + 1);
    const item = distributionOf({ section: 's', label: 'l', system: 'zoo', samplesMs });
    expect(item.spread).toEqual({ median: 50.5, min: 1, max: 100, runs: 100 });
    expect(item.p99Ms).toBe(99);
    expect(percentile([5], 99.9)).toBe(5);
    expect(percentile([], 50)).toBeNull();
  });
});

function sampleMeta() {
  return { startedAt: new Date(0), cores: 1, loadAverage: [0], command: [], method: '' };
}

describe('bench charts and page', () => {
  test('each table gets a throughput chart and a p50/p99/p999 chart for both systems', () => {
    const specs = chartSpecsOf(sampleResults());
    expect(specs.map((spec) => spec.id)).toEqual([
      'throughput-0',
      'latency-0',
      'scaling',
      'times-handover',
      'znode-memory',
    ]);
    const [throughput, latency, scaling] = specs;
    expect(throughput?.labels).toEqual(['get', 'mixed']);
    expect(throughput?.datasets).toEqual([
      { label: 'Zoo', data: [200, 200] },
      { label: 'ZooKeeper', data: [80, 80] },
    ]);
    expect(latency?.datasets.map((dataset) => dataset.label)).toEqual([
      'Zoo p50',
      'Zoo p99',
      'Zoo p999',
      'ZooKeeper p50',
      'ZooKeeper p99',
      'ZooKeeper p999',
    ]);
    expect(latency?.datasets[2]?.data).toEqual([9, 9]);
    // The scaling curve runs over the client counts in order, whatever order they ran in.
    expect(scaling?.labels).toEqual(['1', '4']);
    expect(scaling?.datasets[0]).toEqual({ label: 'Zoo get', data: [10, 40] });
  });

  test('the page embeds Chart.js and one canvas per chart, and needs no network', () => {
    const html = renderReport(sampleResults(), '/* chart library */');
    expect(html).toContain('<script>/* chart library */</script>');
    for (const spec of chartSpecsOf(sampleResults())) {
      expect(html).toContain(`<canvas id="${spec.id}"></canvas>`);
    }
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('<h3>standalone table</h3>');
    expect(html).toContain('<td>200 [100–300]</td>');
  });

  test('text from the results cannot end the page script or inject markup', () => {
    const results = sampleResults();
    results.method = '<b>bold</b>';
    results.throughput[0]!.rows[0]!.workload = '</script><script>alert(1)</script>';
    const html = renderReport(results, '');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html.match(/<\/script>/g)?.length).toBe(2);
    expect(scriptJson({ a: '</script>' })).toBe('{"a":"\\u003c/script>"}');
  });

  test('the Chart.js UMD build is found in node_modules', () => {
    expect(chartLibrarySource()).toMatch(/Chart/);
  });
});

describe('bench helpers', () => {
  test('reads the heap in use from jcmd GC.heap_info', () => {
    const text =
      '12345:\n garbage-first heap   total 2097152K, used 51200K [0x0000000080000000, ' +
      '0x0000000100000000)\n  region size 1024K, 3 young (3072K), 0 survivors (0K)\n';
    expect(parseHeapUsedMib(text)).toBe(50);
    expect(parseHeapUsedMib('no heap here')).toBeNull();
  });

  test('znode paths: 1,000 children per parent, parents listed first', () => {
    const { parents, children } = znodePaths(2001);
    expect(parents).toEqual(['/znodes', '/znodes/p0', '/znodes/p1', '/znodes/p2']);
    expect(children).toHaveLength(2001);
    expect(children[999]).toBe('/znodes/p0/n999');
    expect(children[2000]).toBe('/znodes/p2/n0');
  });

  test('progress bars only on a terminal outside CI', () => {
    expect(isProgressShown({ isTTY: true }, {})).toBe(true);
    expect(isProgressShown({ isTTY: false }, {})).toBe(false);
    expect(isProgressShown({}, {})).toBe(false);
    expect(isProgressShown({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(isProgressShown({ isTTY: true }, { CI: 'false' })).toBe(true);
  });
});
