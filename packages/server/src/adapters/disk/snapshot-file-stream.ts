// Recovery's read of a snapshot file: restored into a tree as it is read, a frame at a time
// through the recovery's FileWindow (file-window.ts), with no buffer of the whole file (170 MiB
// for a million znodes of 100 bytes: ~43,000 page faults, about 0.5 s of CPU time measured
// loaded). Every frame's checksum is checked before its nodes are used, and a frame that fails,
// a node the restore refuses or a count unlike the head's throws CorruptDataDirError (recovery
// then falls back to an older snapshot): the partly restored tree is dropped.

import { join } from 'node:path';
import type { Acl } from '@zoo/client/protocol';
import { DataTree } from '../../core/tree/data-tree.js';
import type { SnapshotNode, SnapshotSession } from '../../core/tree/tree-snapshot.js';
import { CorruptDataDirError } from './disk-errors.js';
import type { DiskFs } from './disk-fs.js';
import type { FileWindow } from './file-window.js';
import { frameAt, frameHeaderBytes } from './record-frame.js';
import {
  readHead,
  readTables,
  snapshotName,
  snapshotVersionOf,
  type LazySnapshotFile,
} from './snapshot-file.js';
import { decodeStoredNodes, NodeChunkError } from './snapshot-nodes-codec.js';

const magicBytes = 8;

interface Frame {
  offset: number;
  length: number;
}

/** Restores snapshot `zxid` of `dataDir`; the result's snapshot carries the tree. */
export async function restoreSnapshotFile(
  place: { disk: DiskFs; window: FileWindow; dataDir: string },
  zxid: bigint,
): Promise<LazySnapshotFile> {
  const file = snapshotName(zxid);
  const { disk, window } = place;
  const fd = await disk.open(join(place.dataDir, file), 'r');
  try {
    window.reset(fd);
    const reader = new FrameReader(window, file);
    const version = snapshotVersionOf(await reader.bytesAt(0, magicBytes));
    if (version === null) throw new CorruptDataDirError(file, 'not a ZOOSNAP4 file', 0);
    const frames = await frameList(window, file);
    // ZOOSNAP3 kept the tables second; ZOOSNAP4 keeps them last.
    const tablesAt = version === 3 ? 1 : frames.length - 1;
    const [headFrame, tablesFrame] = [frames[0], frames[tablesAt]];
    if (headFrame === undefined || tablesFrame === undefined || frames.length < 2) {
      throw unreadable(file, 'no head and tables');
    }
    await reader.load(headFrame);
    const head = parsed(file, () => readHead(reader.payloadOf(headFrame)));
    const { fromSeq, nodeCount, snapshotZxid } = parsed(file, () => ({
      fromSeq: head.safeInteger('fromSeq'),
      nodeCount: head.safeInteger('nodeCount'),
      snapshotZxid: head.int64('zxid'),
    }));
    if (snapshotZxid !== zxid) {
      throw new CorruptDataDirError(file, `holds snapshot 0x${snapshotZxid.toString(16)}`);
    }
    await reader.load(tablesFrame);
    const { acls, sessions } = parsed(file, () => readTables(reader.payloadOf(tablesFrame)));
    const chunks = frames.filter((_, index) => index !== 0 && index !== tablesAt);
    const tree = await restoreChunks(reader, chunks, { zxid, acls, nodeCount });
    return { snapshot: restoredSnapshot(tree, sessions), fromSeq };
  } finally {
    await disk.close(fd);
  }
}

/** A RestorableSnapshot whose tree is built already (DataTree.fromSnapshot takes it). */
function restoredSnapshot(tree: DataTree, sessions: SnapshotSession[]) {
  const nodes: Iterable<SnapshotNode> = {
    [Symbol.iterator]: () => tree.snapshot().nodes[Symbol.iterator](),
  };
  return { zxid: tree.lastZxid, nodes, sessions, restored: tree };
}

async function restoreChunks(
  reader: FrameReader,
  chunks: readonly Frame[],
  snapshot: { zxid: bigint; acls: readonly (readonly Acl[])[]; nodeCount: number },
): Promise<DataTree> {
  const { file } = reader;
  const restore = DataTree.restore(snapshot.zxid);
  let count = 0;
  for (const chunk of chunks) {
    await reader.load(chunk);
    try {
      count += decodeStoredNodes(reader.payloadOf(chunk), snapshot.acls, (node) => {
        const problem = restore.addStored(node);
        if (problem !== null) throw unreadable(file, `snapshot node ${node.path}: ${problem}`);
      });
    } catch (error) {
      throw error instanceof NodeChunkError ? unreadable(file, String(error)) : error;
    }
  }
  if (count !== snapshot.nodeCount) {
    throw new CorruptDataDirError(file, `${count} nodes where the head says ${snapshot.nodeCount}`);
  }
  return parsed(file, () => restore.finish());
}

/**
 * Where every frame after the magic starts and how long it is, from their 8-byte headers (the
 * tables come last, and the chunks need them first). Read through the window, a pass over the
 * file in a few dozen reads: one small read per frame was hundreds of trips to the thread pool,
 * each a wait for the CPU on a loaded machine.
 */
async function frameList(window: FileWindow, file: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (let offset = magicBytes; ;) {
    const read = await window.ensure(offset, frameHeaderBytes);
    if (read === 0) return frames;
    const header = window.bytes.subarray(offset - window.offset, offset - window.offset + read);
    const length = read < frameHeaderBytes ? 0 : header.readUInt32BE(0);
    if (length === 0) {
      const problem = header.every((byte) => byte === 0)
        ? 'zeros before its end'
        : `a frame header cut short (${read} bytes)`;
      throw new CorruptDataDirError(file, problem, offset);
    }
    frames.push({ offset, length });
    offset += frameHeaderBytes + length;
  }
}

/** Frames loaded through the window and checked against their checksums. */
class FrameReader {
  constructor(
    private readonly window: FileWindow,
    readonly file: string,
  ) {}

  async bytesAt(offset: number, length: number): Promise<Buffer> {
    const got = await this.window.ensure(offset, length);
    const start = offset - this.window.offset;
    return this.window.bytes.subarray(start, start + got);
  }

  /** Makes the frame readable by payloadOf; throws when it is cut short. */
  async load(frame: Frame): Promise<void> {
    const whole = frameHeaderBytes + frame.length;
    const got = await this.window.ensure(frame.offset, whole);
    if (got < whole) {
      const problem = `a ${frame.length}-byte record with ${got} bytes left`;
      throw new CorruptDataDirError(this.file, problem, frame.offset);
    }
  }

  /** The payload of a loaded frame (a view, until the next load), its checksum checked. */
  payloadOf(frame: Frame): Buffer {
    const checked = frameAt(this.window.bytes, frame.offset - this.window.offset);
    if (checked.type !== 'record') {
      const problem = checked.type === 'end' ? 'zeros before its end' : checked.problem;
      throw new CorruptDataDirError(this.file, problem, frame.offset);
    }
    return checked.payload;
  }
}

function unreadable(file: string, problem: string): CorruptDataDirError {
  return new CorruptDataDirError(file, `unreadable snapshot: ${problem}`);
}

/** `read()`, with what it throws (a bad shape) as the file's corruption. */
function parsed<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CorruptDataDirError) throw error;
    throw unreadable(file, String(error));
  }
}
