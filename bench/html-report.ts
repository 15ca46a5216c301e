// The benchmark's HTML page: the conditions of the run, every chart of chart-specs.ts drawn by
// Chart.js, and the figures as tables under them. Chart.js's UMD build is embedded in the page
// itself, so the page works offline and from a CI artifact with no network.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chartSpecsOf } from './chart-specs.js';
import type { BenchResults, ThroughputTable } from './results.js';

/** Chart.js's UMD build from node_modules (its package exports only the module builds). */
export function chartLibrarySource(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JSON safe inside a <script> element: no `</script>` or `<!--` can end it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const fixed = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined ? '-' : value.toFixed(digits);

function tableHtml(table: ThroughputTable): string {
  const head =
    '<tr><th>workload</th><th>system</th><th>ops/s median [min–max]</th><th>p50 ms</th>' +
    '<th>p99 ms</th><th>p999 ms</th><th>server CPU µs/op</th><th>runs</th><th>errors</th></tr>';
  const rows = table.rows.flatMap((row) =>
    row.systems.map((entry) => {
      const s = entry.summary;
      const ops =
        s === null
          ? '-'
          : `${fixed(s.opsPerSecond.median)} [${fixed(s.opsPerSecond.min)}–` +
            `${fixed(s.opsPerSecond.max)}]`;
      const cells = [
        row.workload,
        entry.system,
        ops,
        fixed(s?.p50Ms.median, 2),
        fixed(s?.p99Ms.median, 2),
        fixed(s?.p999Ms.median, 2),
        fixed(s?.serverCpuUsPerOp?.median, 1),
        String(entry.runs.length),
        String(s?.errors ?? '-'),
      ];
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
    }),
  );
  return `<h3>${escapeHtml(table.title)}</h3><table>${head}${rows.join('')}</table>`;
}

/** A titled table of plain cells, or nothing when it has no rows. */
function listHtml(table: { title: string; header: string[]; rows: string[][] }): string {
  if (table.rows.length === 0) return '';
  const cells = (row: string[], tag: string) =>
    `<tr>${row.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join('')}</tr>`;
  const body = table.rows.map((row) => cells(row, 'td')).join('');
  return `<h3>${escapeHtml(table.title)}</h3><table>${cells(table.header, 'th')}${body}</table>`;
}

function distributionTable(results: BenchResults) {
  return {
    title: 'Timed events (ms)',
    header: ['section', 'what', 'system', 'median', 'min', 'max', 'p99', 'samples'],
    rows: results.distributions.map((item) => [
      item.section,
      item.label,
      item.system,
      fixed(item.spread?.median, 2),
      fixed(item.spread?.min, 2),
      fixed(item.spread?.max, 2),
      fixed(item.p99Ms, 2),
      String(item.samplesMs.length),
    ]),
  };
}

function memoryTable(results: BenchResults) {
  return {
    title: 'Memory per znode',
    header: ['system', 'znodes', 'data bytes', 'RSS B/znode', 'heap B/znode (after GC)'],
    rows: results.znodeMemory.map((item) => [
      item.system,
      String(item.znodes),
      String(item.dataBytes),
      fixed(item.rssBytesPerZnode),
      fixed(item.heapBytesPerZnode),
    ]),
  };
}

const drawScript = `
for (const spec of specs) {
  new Chart(document.getElementById(spec.id), {
    type: spec.type,
    data: { labels: spec.labels, datasets: spec.datasets },
    options: {
      animation: false,
      plugins: { title: { display: true, text: spec.title } },
      scales: { y: { type: spec.isLogarithmic ? 'logarithmic' : 'linear',
        title: { display: true, text: spec.yTitle } } },
    },
  });
}`;

/** The whole page for `results`, with `chartSource` (Chart.js UMD) inline. */
export function renderReport(results: BenchResults, chartSource: string): string {
  const specs = chartSpecsOf(results);
  const load = (values: number[] | null): string =>
    values === null ? '?' : values.map((v) => v.toFixed(2)).join(' ');
  const conditions =
    `Started ${results.startedAt}, finished ${results.finishedAt ?? '(unfinished)'}; ` +
    `${results.machine.cores} cores, load average ${load(results.machine.loadAverageAtStart)} ` +
    `at the start and ${load(results.machine.loadAverageAtEnd)} at the end.`;
  const canvases = specs
    .map((spec) => `<div class="chart"><canvas id="${escapeHtml(spec.id)}"></canvas></div>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Zoo benchmark</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}
.chart{max-width:900px;margin:1em 0}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style>
<script>${chartSource.replace(/<\/script/gi, '<\\/script')}</script></head>
<body><h1>Zoo beside Apache ZooKeeper 3.8</h1>
<p>${escapeHtml(conditions)}</p><p>${escapeHtml(results.method)}</p>
<p><code>${escapeHtml(results.command.join(' '))}</code></p>
${canvases}
<h2>Figures</h2>
${results.throughput.map(tableHtml).join('\n')}
${listHtml(distributionTable(results))}
${listHtml(memoryTable(results))}
<script>const specs = ${scriptJson(specs)};${drawScript}</script>
</body></html>
`;
}
