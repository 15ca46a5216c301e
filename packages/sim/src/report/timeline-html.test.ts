// Tests for the HTML timeline, from a hand-made run: lanes, escaping, bars, markers, header.

import { describe, expect, test } from 'vitest';
import type { FaultStep, SimResult, TimelineEntry } from '../scenario.js';
import { emptyHistory } from '../history/history.js';
import { describeFault, escapeHtml, renderTimelineHtml } from './timeline-html.js';

function sampleResult(timeline: TimelineEntry[]): SimResult {
  return {
    scenario: { seed: 42, nodes: 3, clients: 2, durationMs: 10_000, faults: ['crash'] },
    schedule: [{ atMs: 2000, fault: { type: 'crash', server: 'leader' } }],
    traceDigest: 'abc123',
    violations: [{ checker: 'linearizable<znode>', message: 'read saw "<b>x</b>" & then y' }],
    history: emptyHistory(),
    timeline,
    stats: { simulatedMs: 12_000, wallMs: 300, events: 1234, faults: 1, opsChecked: 5 },
  };
}

const entries: TimelineEntry[] = [
  { lane: 's1', startMs: 0, endMs: 2000, kind: 'role', label: 'leading' },
  { lane: 's1', startMs: 2000, endMs: 4000, kind: 'down', label: 'crashed' },
  { lane: 's2', startMs: 0, endMs: 12_000, kind: 'role', label: 'following' },
  { lane: 's2', startMs: 2000, endMs: null, kind: 'fault', label: 'crash s1' },
  { lane: 'c1', startMs: 100, endMs: 200, kind: 'op', label: 'set /r <script>', status: 'ok' },
  { lane: 'c1', startMs: 150, endMs: 300, kind: 'op', label: 'read /r', status: 'unknown' },
  { lane: 'c2', startMs: 500, endMs: 600, kind: 'op', label: 'create /a', status: 'fail' },
  { lane: 'c2', startMs: 9000, endMs: null, kind: 'violation', label: 'stale "read"' },
];

function laneNames(html: string): string[] {
  return [...html.matchAll(/data-lane="([^"]*)"/g)].map((match) => match[1] ?? '');
}

describe('renderTimelineHtml', () => {
  test('draws one lane per server then per client, even for lanes without entries', () => {
    const html = renderTimelineHtml(sampleResult(entries));
    expect(laneNames(html)).toEqual(['s1', 's2', 's3', 'c1', 'c2']);
  });

  test('adds a lane for an entry whose lane is neither a server nor a client', () => {
    const extra: TimelineEntry = {
      lane: 'net',
      startMs: 1,
      endMs: null,
      kind: 'fault',
      label: 'x',
    };
    const html = renderTimelineHtml(sampleResult([...entries, extra]));
    expect(laneNames(html)).toEqual(['s1', 's2', 's3', 'c1', 'c2', 'net']);
  });

  test('escapes labels, violation messages, checker names and the replay command', () => {
    const html = renderTimelineHtml(sampleResult(entries), {
      replayCommand: 'pnpm sim --replay "a<b>/scenario.json"',
    });
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toContain('set /r <script>');
    expect(html).toContain('set /r &lt;script&gt;');
    expect(html).toContain('read saw &quot;&lt;b&gt;x&lt;/b&gt;&quot; &amp; then y');
    expect(html).toContain('linearizable&lt;znode&gt;');
    expect(html).toContain('pnpm sim --replay &quot;a&lt;b&gt;/scenario.json&quot;');
    expect(html).toContain('stale &quot;read&quot;');
  });

  test('has exactly one script element and loads nothing from elsewhere', () => {
    const html = renderTimelineHtml(sampleResult(entries));
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/\bsrc=|\bhref=|@import|url\(/);
  });

  test('draws bars for spans and markers for instants, coloured by role and status', () => {
    const html = renderTimelineHtml(sampleResult(entries));
    expect(html.match(/class="b /g)).toHaveLength(6);
    expect(html.match(/class="mk /g)).toHaveLength(2);
    expect(html).toContain('class="b role-leading" style="left:0.0000%;width:16.6667%');
    expect(html).toContain('class="b role-following"');
    expect(html).toContain('class="b down"');
    expect(html).toContain('class="b op-ok"');
    expect(html).toContain('class="b op-unknown"');
    expect(html).toContain('class="b op-fail"');
    expect(html).toContain('class="mk fault" style="left:16.6667%"');
    expect(html).toContain('class="mk violation" style="left:75.0000%"');
  });

  test('stacks overlapping ops of one client on separate tracks', () => {
    const html = renderTimelineHtml(sampleResult(entries));
    const tops = [...html.matchAll(/class="b op-(?:ok|unknown)" style="[^"]*top:(\d+)px/g)];
    expect(tops.map((match) => match[1])).toEqual(['3', '15']);
  });

  test('puts seed, sizes, duration, faults, violations and schedule in the header', () => {
    const html = renderTimelineHtml(sampleResult(entries));
    expect(html).toContain('<title>Zoo sim seed 42: 1 violation(s)</title>');
    expect(html).toContain('<dt>nodes</dt><dd>3</dd>');
    expect(html).toContain('<dt>clients</dt><dd>2</dd>');
    expect(html).toContain('<dt>duration</dt><dd>10.000 s</dd>');
    expect(html).toContain('<dt>faults</dt><dd>crash</dd>');
    expect(html).toContain('Violations (1)');
    expect(html).toContain('crash server=&quot;leader&quot;');
  });

  test('says none when the run has no violations', () => {
    const html = renderTimelineHtml({ ...sampleResult(entries), violations: [] });
    expect(html).toContain('<p class="none">none</p>');
  });

  test('scales ticks so the whole run fits, in whole seconds', () => {
    const html = renderTimelineHtml(sampleResult(entries));
    const ticks = [...html.matchAll(/class="tk"[^>]*>([^<]*)</g)].map((match) => match[1]);
    expect(ticks).toEqual(
      ['0s', '1s', '2s', '3s', '4s', '5s', '6s', '7s', '8s', '9s', '10s'].concat(['11s', '12s']),
    );
  });

  test('renders twenty thousand entries quickly and with every one present', () => {
    const many: TimelineEntry[] = [];
    for (let index = 0; index < 20_000; index++) {
      const startMs = index * 0.6;
      const lane = `c${(index % 2) + 1}`;
      many.push({
        lane,
        startMs,
        endMs: startMs + 1,
        kind: 'op',
        label: `op ${index}`,
        status: 'ok',
      });
    }
    const started = performance.now();
    const html = renderTimelineHtml(sampleResult(many));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(html.match(/class="b op-ok"/g)).toHaveLength(20_000);
  });
});

describe('escapeHtml', () => {
  test('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});

describe('describeFault', () => {
  test('names the fault type then its fields', () => {
    const step: FaultStep = { atMs: 0, fault: { type: 'partition', groups: [[1, 2], [3]] } };
    expect(describeFault(step)).toBe('partition groups=[[1,2],[3]]');
  });
});
