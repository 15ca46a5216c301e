// Reads a member's admin port in tests: an AdminServer command's JSON, and `/metrics` parsed
// with a Prometheus text-format parser (so a malformed exposition fails the test).

import parsePrometheusTextFormat from 'parse-prometheus-text-format';

type MetricFamily = ReturnType<typeof parsePrometheusTextFormat>[number];

/** The exposition parsed twice: as it is, and with each histogram's series as plain samples. */
export interface Scrape {
  families: MetricFamily[];
  /**
   * parse-prometheus-text-format folds a histogram's samples into one unlabelled entry (it
   * keeps `_count` and `_sum` only when they have no labels at all), so histograms are read
   * again declared untyped: `<name>_count{…}` then parses as a family of its own, labels kept.
   */
  histogramSeries: MetricFamily[];
}

export type AdminJson = Record<string, unknown>;

export async function adminCommand(port: number, name: string): Promise<AdminJson> {
  const response = await fetch(`http://127.0.0.1:${port}/commands/${name}`);
  if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}`);
  return (await response.json()) as AdminJson;
}

export async function scrapeMetrics(port: number): Promise<Scrape> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics: HTTP ${response.status}`);
  const text = await response.text();
  const untyped = text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped');
  return {
    families: parsePrometheusTextFormat(text),
    histogramSeries: parsePrometheusTextFormat(untyped),
  };
}

function family(families: readonly MetricFamily[], name: string): MetricFamily {
  const found = families.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no metric family ${name}`);
  return found;
}

function labelsMatch(labels: Record<string, string> | undefined, wanted: Record<string, string>) {
  return Object.entries(wanted).every(([key, value]) => labels?.[key] === value);
}

/** A counter's or gauge's value for the labels given (0 when no sample has them yet). */
export function sampleValue(
  scrape: Scrape,
  name: string,
  labels: Record<string, string> = {},
): number {
  return valueIn(scrape.families, name, labels);
}

function valueIn(
  families: readonly MetricFamily[],
  name: string,
  labels: Record<string, string>,
): number {
  for (const sample of family(families, name).metrics) {
    if ('value' in sample && labelsMatch(sample.labels, labels)) return Number(sample.value);
  }
  return 0;
}

/** A histogram's observation count for the labels given (0 when none yet). */
export function histogramCount(
  scrape: Scrape,
  name: string,
  labels: Record<string, string> = {},
): number {
  const histogram = family(scrape.families, name);
  if (histogram.type !== 'HISTOGRAM') throw new Error(`${name} is a ${histogram.type}`);
  const counts = scrape.histogramSeries.find((candidate) => candidate.name === `${name}_count`);
  return counts === undefined ? 0 : valueIn(scrape.histogramSeries, `${name}_count`, labels);
}

/** The `server_id` label of every sample: one member's registry carries only its own. */
export function serverIds(scrape: Scrape): Set<string | undefined> {
  const plain = scrape.families.filter((f) => f.type !== 'HISTOGRAM');
  const all = [...plain, ...scrape.histogramSeries];
  return new Set(all.flatMap((f) => f.metrics.map((sample) => sample.labels?.['server_id'])));
}
