// Renders a simulated run as one self-contained HTML page: a header (scenario, stats, violations,
// replay command) over a timeline with one lane per server and client on virtual time. Absolutely
// positioned divs at percentage offsets keep ~20k entries cheap and let zoom be just a width.

import type { FaultStep, SimResult, TimelineEntry } from '../scenario.js';
import { serverIds } from '../scenario.js';

export interface TimelineHtmlOptions {
  /** The one-line command that reruns this run; shown in the header. */
  replayCommand?: string;
}

/** Vertical bands of a lane, top to bottom; a lane gets only the bands it uses. */
interface LaneLayout {
  lane: string;
  heightPx: number;
  /** Top offset of each band ('main', 'paused', 'partitioned', 'op0', 'op1', …). */
  bandTopPx: Map<string, number>;
  /** For op entries: the op track each one sits on (overlapping ops stack). */
  opTrack: Map<TimelineEntry, number>;
  entries: TimelineEntry[];
}

const lanePaddingPx = 3;
const bandGapPx = 2;
const bandHeightPx: Readonly<Record<string, number>> = { main: 12, paused: 5, partitioned: 5 };
const opHeightPx = 10;
const laneMinHeightPx = 20;
/** Overlapping ops beyond this many tracks share the last one rather than grow the lane. */
const opTracksMax = 6;

const escapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => escapes[char] ?? char);
}

export function renderTimelineHtml(result: SimResult, options: TimelineHtmlOptions = {}): string {
  const { scenario } = result;
  const spanMs = timeSpanMs(result);
  const layouts = laneOrder(result).map((lane) =>
    layoutLane(
      lane,
      result.timeline.filter((entry) => entry.lane === lane),
    ),
  );
  const title = `Zoo sim seed ${scenario.seed}: ${result.violations.length} violation(s)`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style></head><body>`,
    renderHeader(result, options),
    renderControls(),
    '<div class="timeline"><div class="labels">',
    '<div class="axis-spacer"></div>',
    ...layouts.map(
      (l) => `<div class="name" style="height:${l.heightPx}px">${escapeHtml(l.lane)}</div>`,
    ),
    '</div><div class="scroller"><div class="plot" id="plot">',
    renderAxis(spanMs),
    '<div class="lanes">',
    renderGrid(spanMs),
    ...layouts.map((layout) => renderLane(layout, spanMs)),
    '</div></div></div></div>',
    renderSchedule(result.schedule),
    `<script>${script}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** Servers s1..sN, then clients c1..cN, then any other lane an entry names (sorted). */
function laneOrder(result: SimResult): string[] {
  const lanes: string[] = [];
  for (const id of serverIds(result.scenario)) lanes.push(`s${id}`);
  for (let id = 1; id <= result.scenario.clients; id++) lanes.push(`c${id}`);
  const known = new Set(lanes);
  const others = new Set<string>();
  for (const entry of result.timeline) if (!known.has(entry.lane)) others.add(entry.lane);
  return [...lanes, ...[...others].sort()];
}

function timeSpanMs(result: SimResult): number {
  let spanMs = Math.max(1, result.scenario.durationMs, result.stats.simulatedMs);
  for (const entry of result.timeline) {
    spanMs = Math.max(spanMs, entry.startMs, entry.endMs ?? 0);
  }
  return spanMs;
}

function isBar(entry: TimelineEntry): entry is TimelineEntry & { endMs: number } {
  return entry.endMs !== null && entry.kind !== 'fault' && entry.kind !== 'violation';
}

function layoutLane(lane: string, entries: TimelineEntry[]): LaneLayout {
  const opTrack = assignOpTracks(entries.filter((entry) => entry.kind === 'op' && isBar(entry)));
  const bands: string[] = [];
  const uses = (kinds: TimelineEntry['kind'][]): boolean =>
    entries.some((entry) => isBar(entry) && kinds.includes(entry.kind));
  if (uses(['role', 'down'])) bands.push('main');
  if (uses(['paused'])) bands.push('paused');
  if (uses(['partitioned'])) bands.push('partitioned');
  const tracks = opTrack.size === 0 ? 0 : Math.max(...opTrack.values()) + 1;
  for (let track = 0; track < tracks; track++) bands.push(`op${track}`);
  const bandTopPx = new Map<string, number>();
  let topPx = lanePaddingPx;
  for (const band of bands) {
    bandTopPx.set(band, topPx);
    topPx += (bandHeightPx[band] ?? opHeightPx) + bandGapPx;
  }
  const heightPx = Math.max(laneMinHeightPx, topPx + lanePaddingPx - bandGapPx);
  return { lane, heightPx, bandTopPx, opTrack, entries };
}

/** Greedy interval colouring: each op takes the first track free at its start. */
function assignOpTracks(ops: TimelineEntry[]): Map<TimelineEntry, number> {
  const sorted = [...ops].sort((a, b) => a.startMs - b.startMs);
  const trackEndsMs: number[] = [];
  const tracks = new Map<TimelineEntry, number>();
  for (const op of sorted) {
    let track = trackEndsMs.findIndex((endMs) => endMs <= op.startMs);
    if (track === -1) track = Math.min(trackEndsMs.length, opTracksMax - 1);
    trackEndsMs[track] = Math.max(trackEndsMs[track] ?? 0, op.endMs ?? op.startMs);
    tracks.set(op, track);
  }
  return tracks;
}

function percent(ms: number, spanMs: number): string {
  return `${((ms / spanMs) * 100).toFixed(4)}%`;
}

function formatMs(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function entryClass(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'role':
      return `role-${roleOf(entry.label)}`;
    case 'op':
      return `op-${entry.status ?? 'unknown'}`;
    default:
      return entry.kind;
  }
}

function roleOf(label: string): string {
  const lower = label.toLowerCase();
  for (const role of ['leading', 'following', 'looking', 'observing']) {
    if (lower.startsWith(role.slice(0, 4))) return role;
  }
  return 'other';
}

function entryTitle(entry: TimelineEntry): string {
  const status = entry.status === undefined ? '' : ` [${entry.status}]`;
  const when =
    entry.endMs === null
      ? `at ${formatMs(entry.startMs)}`
      : `${formatMs(entry.startMs)} – ${formatMs(entry.endMs)}`;
  return `${entry.lane} ${entry.kind}: ${entry.label}${status} · ${when}`;
}

function renderLane(layout: LaneLayout, spanMs: number): string {
  const items = layout.entries.map((entry) => {
    const title = escapeHtml(entryTitle(entry));
    const left = percent(entry.startMs, spanMs);
    if (!isBar(entry)) {
      return `<div class="mk ${entryClass(entry)}" style="left:${left}" title="${title}"></div>`;
    }
    const band = entry.kind === 'op' ? `op${layout.opTrack.get(entry) ?? 0}` : bandOf(entry);
    const topPx = layout.bandTopPx.get(band) ?? lanePaddingPx;
    const heightPx = bandHeightPx[band] ?? opHeightPx;
    const width = percent(Math.max(0, entry.endMs - entry.startMs), spanMs);
    const style = `left:${left};width:${width};top:${topPx}px;height:${heightPx}px`;
    return `<div class="b ${entryClass(entry)}" style="${style}" title="${title}"></div>`;
  });
  return [
    `<div class="lane" style="height:${layout.heightPx}px" data-lane="${escapeHtml(layout.lane)}">`,
    ...items,
    '</div>',
  ].join('\n');
}

function bandOf(entry: TimelineEntry): string {
  return entry.kind === 'paused' || entry.kind === 'partitioned' ? entry.kind : 'main';
}

const tickStepsMs = [
  100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000,
];
const ticksMax = 20;

function tickStepMs(spanMs: number): number {
  for (const stepMs of tickStepsMs) if (spanMs / stepMs <= ticksMax) return stepMs;
  return Math.ceil(spanMs / ticksMax / 3_600_000) * 3_600_000;
}

function tickPositions(spanMs: number): number[] {
  const stepMs = tickStepMs(spanMs);
  const ticks: number[] = [];
  for (let ms = 0; ms <= spanMs; ms += stepMs) ticks.push(ms);
  return ticks;
}

function renderAxis(spanMs: number): string {
  const decimals = tickStepMs(spanMs) < 1000 ? 1 : 0;
  const ticks = tickPositions(spanMs).map(
    (ms) =>
      `<div class="tk" style="left:${percent(ms, spanMs)}">${(ms / 1000).toFixed(decimals)}s</div>`,
  );
  return ['<div class="axis">', ...ticks, '</div>'].join('\n');
}

function renderGrid(spanMs: number): string {
  return tickPositions(spanMs)
    .map((ms) => `<div class="gl" style="left:${percent(ms, spanMs)}"></div>`)
    .join('\n');
}

function renderHeader(result: SimResult, options: TimelineHtmlOptions): string {
  const { scenario, stats } = result;
  const facts: [string, string][] = [
    ['seed', String(scenario.seed)],
    ['nodes', String(scenario.nodes)],
    ['observers', String(scenario.observers ?? 0)],
    ['clients', String(scenario.clients)],
    ['duration', formatMs(scenario.durationMs)],
    ['faults', scenario.faults.length === 0 ? 'none' : scenario.faults.join(', ')],
    ['fault steps', String(result.schedule.length)],
    ['planted bug', scenario.plantedBug ?? 'none'],
    ['simulated', formatMs(stats.simulatedMs)],
    ['wall', formatMs(stats.wallMs)],
    ['events', String(stats.events)],
    ['faults injected', String(stats.faults)],
    ['ops checked', String(stats.opsChecked)],
    ['trace digest', result.traceDigest],
  ];
  const replay = options.replayCommand ?? 'pnpm sim --replay scenario.json';
  return [
    `<header><h1>Zoo simulation · seed ${escapeHtml(String(scenario.seed))}</h1>`,
    '<dl class="facts">',
    ...facts.map(([name, value]) => `<div><dt>${name}</dt><dd>${escapeHtml(value)}</dd></div>`),
    '</dl>',
    renderViolations(result),
    `<p class="replay">Replay: <code>${escapeHtml(replay)}</code></p>`,
    '</header>',
  ].join('\n');
}

function renderViolations(result: SimResult): string {
  if (result.violations.length === 0) {
    return '<section class="violations"><h2>Violations</h2><p class="none">none</p></section>';
  }
  const items = result.violations.map(
    (v) => `<li><b>${escapeHtml(v.checker)}</b>: <span>${escapeHtml(v.message)}</span></li>`,
  );
  return [
    `<section class="violations bad"><h2>Violations (${result.violations.length})</h2><ol>`,
    ...items,
    '</ol></section>',
  ].join('\n');
}

const legendItems: [string, string][] = [
  ['role-leading', 'leading'],
  ['role-following', 'following'],
  ['role-looking', 'looking'],
  ['role-observing', 'observing'],
  ['down', 'down'],
  ['paused', 'paused'],
  ['partitioned', 'partitioned'],
  ['op-ok', 'op ok'],
  ['op-fail', 'op failed'],
  ['op-unknown', 'op unknown'],
  ['fault', 'fault'],
  ['violation', 'violation'],
];

function renderControls(): string {
  const legend = legendItems.map(
    ([cls, name]) => `<span class="key"><i class="sw ${cls}"></i>${name}</span>`,
  );
  return [
    '<div class="controls"><label>zoom <input id="zoom" type="range" min="1" max="64" value="1">',
    '<output id="zoomValue">1×</output></label>',
    `<span class="legend">${legend.join(' ')}</span></div>`,
  ].join('\n');
}

/** A readable one-liner for a fault: its type, then its fields. */
export function describeFault(step: FaultStep): string {
  const { type, ...fields } = step.fault;
  const details = Object.entries(fields).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return [type, ...details].join(' ');
}

function renderSchedule(schedule: readonly FaultStep[]): string {
  const rows = schedule.map(
    (step) => `<tr><td>${formatMs(step.atMs)}</td><td>${escapeHtml(describeFault(step))}</td></tr>`,
  );
  return [
    `<details class="schedule"><summary>Fault schedule (${schedule.length} steps)</summary>`,
    '<table><thead><tr><th>at</th><th>fault</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></details>',
  ].join('\n');
}

const css = `
body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:18px;margin:0 0 8px}h2{font-size:14px;margin:8px 0 4px}
.facts{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0}.facts div{display:flex;gap:4px}
dt{color:#666}dd{margin:0;font-weight:600}
.violations.bad h2{color:#b00020}.violations li span{white-space:pre-wrap}.none{color:#2e7d32}
code{background:#f3f3f3;padding:2px 4px;user-select:all}
.controls{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:10px 0}
.key{margin-right:8px;white-space:nowrap}
.sw{display:inline-block;width:14px;height:10px;margin-right:3px;vertical-align:middle}
.timeline{display:flex;border:1px solid #ccc}
.labels{flex:0 0 56px;border-right:1px solid #ccc;background:#fafafa}
.name{box-sizing:border-box;border-bottom:1px solid #eee;padding-left:6px;display:flex;
align-items:center;font-weight:600}
.axis-spacer,.axis{height:20px;border-bottom:1px solid #ccc;box-sizing:border-box}
.scroller{flex:1;overflow-x:auto}.plot{position:relative;width:100%;min-width:100%}
.axis{position:relative}.tk{position:absolute;top:3px;padding-left:3px;border-left:1px solid #999;
font-size:11px;color:#555;white-space:nowrap}
.lanes{position:relative}.gl{position:absolute;top:0;bottom:0;border-left:1px solid #eee}
.lane{position:relative;box-sizing:border-box;border-bottom:1px solid #eee}
.b{position:absolute;min-width:1px;box-sizing:border-box}
.mk{position:absolute;top:0;bottom:0;width:7px;margin-left:-3px;cursor:default;z-index:2}
.mk::after{content:'';position:absolute;left:3px;top:0;bottom:0;width:1px;background:currentColor}
.mk::before{content:'';position:absolute;left:0;top:0;border:3.5px solid transparent;
border-top:5px solid currentColor}
.role-leading{background:#1565c0}.role-following{background:#90caf9}
.role-looking{background:#ffca28}.role-observing{background:#b39ddb}
.role-other{background:#bdbdbd}.down{background:#212121}.paused{background:#8e24aa}
.partitioned{background:repeating-linear-gradient(45deg,#e53935 0 3px,#ffcdd2 3px 6px)}
.op-ok{background:#43a047}.op-fail{background:#9e9e9e}.op-unknown{background:#fb8c00}
.b.fault,.sw.fault{background:#37474f}.b.violation,.sw.violation{background:#d50000}
.mk{color:#37474f;background:none}.mk.violation{color:#d50000;z-index:3}
.mk.violation::after{width:2px}.mk.op-ok{color:#43a047}.mk.op-fail{color:#9e9e9e}
.mk.op-unknown{color:#fb8c00}
.schedule{margin-top:12px}.schedule td,.schedule th{padding:1px 10px 1px 0;text-align:left}
`;

// Zoom widens the plot; bars are placed in percentages, so they follow without re-rendering.
const script = `
(function(){var z=document.getElementById('zoom'),p=document.getElementById('plot'),
o=document.getElementById('zoomValue');z.addEventListener('input',function(){
p.style.width=(z.value*100)+'%';o.textContent=z.value+'\\u00d7';});})();
`;
