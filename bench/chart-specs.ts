// What the HTML page draws, as plain data: one ChartSpec per chart, built from BenchResults —
// throughput and p50/p99/p999 per workload for both systems in every table, throughput against
// clients for the scaling section, the timed events' median and p99, and bytes per znode.

import type { BenchResults, Distribution, ThroughputTable } from './results.js';

export interface ChartSpec {
  id: string;
  type: 'bar' | 'line';
  title: string;
  /** x axis: workloads, client counts or labels. */
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
  yTitle: string;
  isLogarithmic: boolean;
}

const systemNames = { zoo: 'Zoo', zookeeper: 'ZooKeeper' } as const;
const systems = ['zoo', 'zookeeper'] as const;

function tableCharts(table: ThroughputTable, index: number): ChartSpec[] {
  const labels = table.rows.map((row) => row.workload);
  const figure = (system: string, pick: (s: NonNullable<Summary>) => number) =>
    table.rows.map((row) => {
      const summary = row.systems.find((entry) => entry.system === system)?.summary ?? null;
      return summary === null ? null : pick(summary);
    });
  const load = `${table.clients} clients × ${table.inFlightPerClient} in flight`;
  const title = `${table.section}: ${load}`;
  const percentiles = [
    ['p50', (s: NonNullable<Summary>) => s.p50Ms.median],
    ['p99', (s: NonNullable<Summary>) => s.p99Ms.median],
    ['p999', (s: NonNullable<Summary>) => s.p999Ms.median],
  ] as const;
  return [
    {
      id: `throughput-${index}`,
      type: 'bar',
      title: `${title}: throughput (median)`,
      labels,
      datasets: systems.map((system) => ({
        label: systemNames[system],
        data: figure(system, (s) => s.opsPerSecond.median),
      })),
      yTitle: 'operations/s',
      isLogarithmic: false,
    },
    {
      id: `latency-${index}`,
      type: 'bar',
      title: `${title}: latency (median of runs)`,
      labels,
      datasets: systems.flatMap((system) =>
        percentiles.map(([name, pick]) => ({
          label: `${systemNames[system]} ${name}`,
          data: figure(system, pick),
        })),
      ),
      yTitle: 'ms',
      isLogarithmic: true,
    },
  ];
}

type Summary = ThroughputTable['rows'][number]['systems'][number]['summary'];

/** Throughput against the number of clients, one line per system and workload. */
function scalingChart(tables: readonly ThroughputTable[]): ChartSpec[] {
  const scaling = tables
    .filter((table) => table.section === 'scaling')
    .sort((a, b) => a.clients - b.clients);
  if (scaling.length === 0) return [];
  const workloads = [...new Set(scaling.flatMap((table) => table.rows.map((r) => r.workload)))];
  const datasets = workloads.flatMap((workload) =>
    systems.map((system) => ({
      label: `${systemNames[system]} ${workload}`,
      data: scaling.map((table) => {
        const row = table.rows.find((candidate) => candidate.workload === workload);
        const entry = row?.systems.find((candidate) => candidate.system === system);
        return entry?.summary?.opsPerSecond.median ?? null;
      }),
    })),
  );
  const depth = scaling[0]?.inFlightPerClient ?? 1;
  return [
    {
      id: 'scaling',
      type: 'line',
      title: `Scaling: throughput against clients (${depth} in flight each)`,
      labels: scaling.map((table) => String(table.clients)),
      datasets,
      yTitle: 'operations/s',
      isLogarithmic: false,
    },
  ];
}

function distributionCharts(distributions: readonly Distribution[]): ChartSpec[] {
  const sections = [...new Set(distributions.map((item) => item.section))];
  return sections.map((section) => {
    const items = distributions.filter((item) => item.section === section);
    const labels = [...new Set(items.map((item) => item.label))];
    const pick = (system: string, value: (item: Distribution) => number | null) =>
      labels.map((label) => {
        const item = items.find((c) => c.label === label && c.system === system);
        return item === undefined ? null : value(item);
      });
    return {
      id: `times-${section}`,
      type: 'bar',
      title: `${section}: time (ms)`,
      labels,
      datasets: systems.flatMap((system) => [
        {
          label: `${systemNames[system]} median`,
          data: pick(system, (i) => i.spread?.median ?? null),
        },
        { label: `${systemNames[system]} p99`, data: pick(system, (i) => i.p99Ms) },
      ]),
      yTitle: 'ms',
      isLogarithmic: false,
    };
  });
}

function znodeChart(results: BenchResults): ChartSpec[] {
  if (results.znodeMemory.length === 0) return [];
  const bySystem = (system: string) => results.znodeMemory.find((item) => item.system === system);
  return [
    {
      id: 'znode-memory',
      type: 'bar',
      title: 'Memory per znode (bytes)',
      labels: ['resident memory', 'heap after full GC'],
      datasets: systems.map((system) => ({
        label: systemNames[system],
        data: [
          bySystem(system)?.rssBytesPerZnode ?? null,
          bySystem(system)?.heapBytesPerZnode ?? null,
        ],
      })),
      yTitle: 'bytes per znode',
      isLogarithmic: false,
    },
  ];
}

/** Every chart of the page, in the order the sections ran. */
export function chartSpecsOf(results: BenchResults): ChartSpec[] {
  const tables = results.throughput.filter((table) => table.section !== 'scaling');
  return [
    ...tables.flatMap(tableCharts),
    ...scalingChart(results.throughput),
    ...distributionCharts(results.distributions),
    ...znodeChart(results),
  ];
}
