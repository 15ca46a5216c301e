// What a member made durable, read straight off the simulated platter when it crashes: its
// epochs, the newest whole snapshot and the txns logged after it. This is the simulator's own
// reading of the data directory — plain rules from the file formats, sharing only the byte
// decoders with the server — so that what the server's recover() hands back at the next boot
// can be held against it (checkers/recovered-state.ts).

import {
  decodeEpochs,
  decodeLogRecord,
  decodeSegmentHeader,
  decodeSnapshotLazily,
  epochsFileName,
  frameAt,
  segmentSeqOf,
  snapshotZxidOf,
} from '@zoo/server/internals';
import type { Txn } from '@zoo/server/internals';

export interface DurableState {
  acceptedEpoch: number;
  currentEpoch: number;
  /** The newest snapshot whose every frame checks; null: the empty tree. */
  snapshotZxid: bigint | null;
  /** The txns logged after that snapshot, oldest first, with logged truncations applied. */
  log: Txn[];
}

interface Segment {
  seq: number;
  baseZxid: bigint | null;
  startsLine: boolean;
  bytes: Buffer;
  recordsOffset: number;
}

/**
 * The state a correct recovery must rebuild from `files` (name → durable bytes). Throws when the
 * files themselves are unreadable (a bad epochs file): no state can be expected then.
 */
export function durableStateOf(files: ReadonlyMap<string, Buffer>): DurableState {
  const epochsBytes = files.get(epochsFileName);
  const epochs =
    epochsBytes === undefined ? { acceptedEpoch: 0, currentEpoch: 0 } : decodeEpochs(epochsBytes);
  const base = newestWholeSnapshot(files);
  const segments = segmentsOf(files);
  const start =
    base === null
      ? lastLineFromEmptyTree(segments)
      : segments.findIndex((s) => s.seq === base.fromSeq);
  const snapshotZxid = base?.zxid ?? null;
  const log: Txn[] = [];
  // No segment to replay from: the snapshot's line never started (or there is no log at all).
  if (start >= 0) {
    for (const segment of segments.slice(start)) replayInto(log, segment, snapshotZxid);
  }
  return { ...epochs, snapshotZxid, log };
}

/** Without a snapshot, replay starts at the newest line that starts from the empty tree. */
function lastLineFromEmptyTree(segments: readonly Segment[]): number {
  for (let index = segments.length - 1; index >= 0; index--) {
    const segment = segments[index];
    if (segment?.startsLine === true && segment.baseZxid === null) return index;
  }
  return -1;
}

/** Snapshots are written whole under a temporary name: the newest that checks is the base. */
function newestWholeSnapshot(
  files: ReadonlyMap<string, Buffer>,
): { zxid: bigint; fromSeq: number } | null {
  const named = [...files].flatMap(([name, bytes]) => {
    const zxid = snapshotZxidOf(name);
    return zxid === null ? [] : [{ name, zxid, bytes }];
  });
  named.sort((a, b) => (a.zxid > b.zxid ? -1 : a.zxid < b.zxid ? 1 : 0));
  for (const { name, zxid, bytes } of named) {
    try {
      return { zxid, fromSeq: decodeSnapshotLazily(bytes, name).fromSeq };
    } catch {
      continue;
    }
  }
  return null;
}

/** Segments in seq order; one whose header never became durable holds nothing. */
function segmentsOf(files: ReadonlyMap<string, Buffer>): Segment[] {
  const segments: Segment[] = [];
  for (const [name, bytes] of files) {
    const seq = segmentSeqOf(name);
    if (seq === null) continue;
    try {
      const { header, recordsOffset } = decodeSegmentHeader(bytes, name);
      segments.push({ ...header, seq, bytes, recordsOffset });
    } catch {
      continue;
    }
  }
  return segments.sort((a, b) => a.seq - b.seq);
}

/**
 * Appends the segment's whole records: the first frame that does not check (a torn write, or
 * the zeros after the last record) ends what the segment holds. Txns the snapshot holds are
 * passed over; a truncation drops what was logged after its zxid.
 */
function replayInto(log: Txn[], segment: Segment, snapshotZxid: bigint | null): void {
  let offset = segment.recordsOffset;
  for (;;) {
    const frame = frameAt(segment.bytes, offset);
    if (frame.type !== 'record') return;
    offset = frame.nextOffset;
    const record = decodeLogRecord(frame.payload);
    if (record.type === 'truncate') {
      const kept = log.filter((txn) => txn.zxid <= record.afterZxid);
      log.splice(0, log.length, ...kept);
    } else if (snapshotZxid === null || record.txn.zxid > snapshotZxid) {
      log.push(record.txn);
    }
  }
}
