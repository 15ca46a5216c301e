import { describe, expect, test } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { OpLatencyHistogram } from './op-latency-histogram.js';

const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const name = 'zoo_request_duration_seconds';
const help = 'Time from a client request arriving to its reply, by operation';
const opName = (opCode: number): string => ['ping', 'create', 'delete'][opCode] ?? String(opCode);

/** The same observations into prom-client's own Histogram and into OpLatencyHistogram. */
function both(observations: readonly [number, number][]) {
  const expected = new Registry();
  expected.setDefaultLabels({ server_id: '3' });
  const registers = [expected];
  const reference = new Histogram({ name, help, buckets, labelNames: ['op'], registers });
  const actual = new Registry();
  actual.setDefaultLabels({ server_id: '3' });
  const histogram = new OpLatencyHistogram({ name, help, buckets, registry: actual }, opName);
  for (const [opCode, seconds] of observations) {
    reference.observe({ op: opName(opCode) }, seconds);
    histogram.record(opCode, seconds);
  }
  return { expected, actual, histogram };
}

const observations: [number, number][] = [
  [1, 0],
  [1, 0.001],
  [2, 0.003],
  [0, 0.0005],
  [1, 0.25],
  [2, 7], // past every bucket: only +Inf, _sum and _count
  [9, 0.002], // an op code without a name
  [1, 0.0011],
];

describe('OpLatencyHistogram', () => {
  test('its /metrics text is what prom-client’s Histogram writes', async () => {
    const { expected, actual } = both(observations);
    const text = await actual.metrics();
    expect(text).toBe(await expected.metrics());
    expect(text).toContain(`${name}_bucket{le="0.001",server_id="3",op="create"} 2`);
  });

  test('its JSON form is prom-client’s too', async () => {
    const { expected, actual } = both(observations);
    expect(await actual.getMetricsAsJSON()).toEqual(await expected.getMetricsAsJSON());
  });

  test('nothing observed: only the help and type lines; reset forgets everything', async () => {
    const { expected, actual, histogram } = both([]);
    expect(await actual.metrics()).toBe(await expected.metrics());
    histogram.record(1, 0.01);
    histogram.reset();
    expect(await actual.metrics()).toBe(await expected.metrics());
  });
});
