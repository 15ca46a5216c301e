// `zoo status` as people read it: one line for the ensemble, then a table of its members.

import type { EnsembleStatus } from './ensemble-status.js';
import type { MemberStatus } from './member-status.js';

const columns: [string, (member: MemberStatus) => string][] = [
  ['id', (m) => (m.id === null ? '?' : String(m.id))],
  ['address', (m) => m.address],
  ['mode', (m) => m.mode],
  ['zxid', (m) => m.zxid ?? '-'],
  ['sessions', (m) => text(m.sessions)],
  ['znodes', (m) => text(m.znodes)],
  ['watches', (m) => text(m.watches)],
  ['conns', (m) => text(m.connections)],
  ['ops/s', (m) => text(m.opsPerSec)],
  ['avg ms', (m) => text(m.avgLatencyMs)],
];

function text(value: number | null): string {
  return value === null ? '-' : String(value);
}

export function statusTable(status: EnsembleStatus): string {
  const rows = [columns.map(([title]) => title)];
  for (const member of status.members) rows.push(columns.map(([, cell]) => cell(member)));
  const widths = columns.map((_, index) => Math.max(...rows.map((row) => row[index]?.length ?? 0)));
  const lines = rows.map((row) =>
    row
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const leader = status.leader === null ? 'no leader' : `leader ${status.leader}`;
  const errors = status.members
    .filter((member) => member.error !== null)
    .map((member) => `${member.address}: ${member.error}`);
  return [`${status.kind}, ${leader}`, ...lines, ...errors].join('\n') + '\n';
}
