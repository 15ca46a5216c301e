// Snapshot files: `snapshot.<zxid as 16 hex digits>`, a magic, then checksummed frames: a head
// (zxid, the seq of the log segment recovery replays from, node count), the nodes in binary
// chunks (snapshot-nodes-codec.ts), and last the sessions and the ACL lists the chunks index
// (msgpack; last because a checkpoint meets its ACL lists as it walks the tree). Chunks let a
// large tree be read from a SnapshotStream, encoded and written a piece at a time while the
// server goes on serving, and a flipped bit is caught in the chunk it hits.
// Written to a temp file, fsynced, renamed and the directory fsynced: whole or absent.

import { dirname, join } from 'node:path';
import type { Acl } from '@zoo/client/protocol';
import {
  streamOfSnapshot,
  type RestorableSnapshot,
  type SnapshotNode,
  type SnapshotSession,
  type SnapshotStream,
  type StoredSnapshotNode,
  type TreeSnapshot,
} from '../../core/tree/tree-snapshot.js';
import { packValue, unpackValue } from '../msgpack-value.js';
import { checkSnapshotNodes, readAcls, readSnapshotSessions } from '../read-txn.js';
import { NodeChunkError, decodeNodeChunk, decodeStoredNodes } from './snapshot-nodes-codec.js';
import { AclTable } from './snapshot-node-writer.js';
import { NodeChunks } from './snapshot-chunks.js';
import { WireObject } from '../wire-object.js';
import { CorruptDataDirError } from './disk-errors.js';
import { fsyncDirectory, type DiskFs } from './disk-fs.js';
import { encodeFrame, frameAt } from './record-frame.js';

const snapshotMagic = Buffer.from('ZOOSNAP4', 'latin1');
/** The format before checkpoints streamed: its tables frame came right after the head. */
const snapshotMagicV3 = Buffer.from('ZOOSNAP3', 'latin1');

/** 4 for a ZOOSNAP4 file, 3 for a ZOOSNAP3 one (still read), null for neither. */
export function snapshotVersionOf(bytes: Buffer): 3 | 4 | null {
  const magic = bytes.subarray(0, snapshotMagic.length);
  if (magic.equals(snapshotMagic)) return 4;
  return magic.equals(snapshotMagicV3) ? 3 : null;
}
const namePattern = /^snapshot\.([0-9a-f]{16})$/;

export function snapshotName(zxid: bigint): string {
  return `snapshot.${BigInt.asUintN(64, zxid).toString(16).padStart(16, '0')}`;
}

/** The zxid a file name stands for, or null when it names no snapshot. */
export function snapshotZxidOf(name: string): bigint | null {
  const match = namePattern.exec(name);
  return match?.[1] === undefined ? null : BigInt.asIntN(64, BigInt(`0x${match[1]}`));
}

/** A snapshot file's content: the state, and where in the log its history goes on. */
export interface SnapshotFile {
  snapshot: TreeSnapshot;
  /**
   * The first log segment recovery reads after this snapshot: the one holding the txn at its
   * zxid, or the line the snapshot starts. Txns up to the zxid found there are skipped.
   */
  fromSeq: number;
}

/** A snapshot file to write: its nodes read from a stream as they are written. */
export interface SnapshotFileSource {
  snapshot: SnapshotStream;
  fromSeq: number;
}

/** Head bytes are a few dozen; reading this many always covers them. */
const headBytesMax = 256;

/**
 * The file's pieces in order: the magic with the head, one frame per chunk of nodes read from
 * the stream as the pieces are taken, then the sessions and the ACL table. A chunk's piece is a
 * view of a buffer the next chunk is encoded into: use each before taking the next.
 */
export function* encodeSnapshotPieces(file: SnapshotFileSource): Generator<Buffer> {
  const { zxid, sessions, nodeCount } = file.snapshot;
  const acls = new AclTable();
  const head = packValue({ zxid, fromSeq: file.fromSeq, nodeCount });
  yield Buffer.concat([snapshotMagic, encodeFrame(head)]);
  const chunks = new NodeChunks(file.snapshot, acls);
  for (let chunk = chunks.next(); chunk !== null; chunk = chunks.next()) yield chunk;
  if (chunks.encoded !== nodeCount) {
    throw new Error(`snapshot stream gave ${chunks.encoded} of ${nodeCount}`);
  }
  yield encodeFrame(packValue({ sessions, acls: acls.lists }));
}

export function encodeSnapshot(file: SnapshotFile): Buffer {
  const source = { snapshot: streamOfSnapshot(file.snapshot), fromSeq: file.fromSeq };
  const pieces: Buffer[] = [];
  for (const piece of encodeSnapshotPieces(source)) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces);
}

/** Throws CorruptDataDirError for a failed checksum, a bad shape, or a zxid unlike its name. */
export function decodeSnapshot(bytes: Buffer, file: string): SnapshotFile {
  const lazy = decodeSnapshotLazily(bytes, file);
  const nodes = [...lazy.snapshot.nodes];
  try {
    checkSnapshotNodes(nodes, lazy.snapshot.zxid, 'nodes');
  } catch (error) {
    throw new CorruptDataDirError(file, `unreadable snapshot: ${String(error)}`);
  }
  const { zxid, sessions } = lazy.snapshot;
  return { snapshot: { zxid, nodes, sessions }, fromSeq: lazy.fromSeq };
}

/** A snapshot file whose nodes are decoded a chunk at a time, as recovery restores them. */
export interface LazySnapshotFile {
  snapshot: RestorableSnapshot;
  fromSeq: number;
}

/**
 * Checks every frame's checksum, the head and the tables now; the nodes are decoded only as
 * they are iterated (each pass decodes afresh), so a million-node recovery never holds them
 * all as objects beside the tree it builds. Their structure (parents first, no duplicates, zxids
 * and ints in range) is checked by the restore that reads them (DataTree.fromSnapshot).
 */
export function decodeSnapshotLazily(bytes: Buffer, file: string): LazySnapshotFile {
  const version = snapshotVersionOf(bytes);
  if (version === null) throw new CorruptDataDirError(file, 'not a ZOOSNAP4 file', 0);
  const payloads: Buffer[] = [];
  for (let offset = snapshotMagic.length; offset < bytes.length;) {
    const frame = frameAt(bytes, offset);
    if (frame.type !== 'record') {
      const problem = frame.type === 'end' ? 'zeros before its end' : frame.problem;
      throw new CorruptDataDirError(file, problem, offset);
    }
    payloads.push(frame.payload);
    offset = frame.nextOffset;
  }
  let decoded: LazySnapshotFile;
  try {
    // A ZOOSNAP3 file's tables come second: move them last, where ZOOSNAP4 keeps them.
    const ordered =
      version === 3
        ? [...payloads.slice(0, 1), ...payloads.slice(2), ...payloads.slice(1, 2)]
        : payloads;
    decoded = joinPieces(ordered, file);
  } catch (error) {
    throw new CorruptDataDirError(file, `unreadable snapshot: ${String(error)}`);
  }
  if (snapshotName(decoded.snapshot.zxid) !== file) {
    throw new CorruptDataDirError(file, `holds snapshot 0x${decoded.snapshot.zxid.toString(16)}`);
  }
  return decoded;
}

export function readHead(bytes: Buffer): WireObject {
  return WireObject.of(unpackValue(bytes, 'snapshot head'), 'head');
}

/** The tables frame: the ACL lists the chunks index, and the sessions. */
export function readTables(bytes: Buffer): {
  acls: (readonly Acl[])[];
  sessions: SnapshotSession[];
} {
  const tables = WireObject.of(unpackValue(bytes, 'snapshot tables'), 'tables');
  const acls = tables.list('acls', (value, where) =>
    readAcls(WireObject.of({ acl: value }, where), 'acl'),
  );
  return { acls, sessions: readSnapshotSessions(tables.get('sessions'), 'sessions') };
}

/** The head and the tables read now; the chunks kept for the nodes' iterator. */
function joinPieces(payloads: readonly Buffer[], file: string): LazySnapshotFile {
  const headBytes = payloads[0];
  const tableBytes = payloads.at(-1);
  if (headBytes === undefined || tableBytes === undefined || payloads.length < 2) {
    throw new Error('no head and tables');
  }
  const chunkBytes = payloads.slice(1, -1);
  const head = readHead(headBytes);
  const zxid = head.int64('zxid');
  const { acls, sessions } = readTables(tableBytes);
  const nodeCount = head.safeInteger('nodeCount');
  const unreadable = (error: unknown): CorruptDataDirError =>
    new CorruptDataDirError(file, `unreadable snapshot: ${String(error)}`);
  const checkCount = (count: number): void => {
    if (count !== nodeCount) {
      throw new CorruptDataDirError(file, `${count} nodes where the head says ${nodeCount}`);
    }
  };
  const nodes: Iterable<SnapshotNode> = {
    *[Symbol.iterator]() {
      let count = 0;
      for (const chunk of chunkBytes) {
        const decoded: SnapshotNode[] = [];
        try {
          decodeNodeChunk(chunk, acls, decoded);
        } catch (error) {
          throw unreadable(error);
        }
        count += decoded.length;
        yield* decoded;
      }
      checkCount(count);
    },
  };
  const forEachStoredNode = (visit: (node: StoredSnapshotNode) => void): void => {
    let count = 0;
    for (const chunk of chunkBytes) {
      try {
        count += decodeStoredNodes(chunk, acls, visit);
      } catch (error) {
        // What the visitor throws (a restore's refusal) goes on as it is.
        throw error instanceof NodeChunkError ? unreadable(error) : error;
      }
    }
    checkCount(count);
  };
  const snapshot = { zxid, nodes, sessions, forEachStoredNode };
  return { snapshot, fromSeq: head.safeInteger('fromSeq') };
}

/**
 * Writes the snapshot a chunk at a time (each write yields to the event loop), to a temp file
 * renamed into place once fsynced: a crash leaves the whole file or none.
 */
export async function writeSnapshot(
  disk: DiskFs,
  dataDir: string,
  file: SnapshotFileSource,
): Promise<void> {
  const path = join(dataDir, snapshotName(file.snapshot.zxid));
  const temp = `${path}.tmp`;
  let fd: number;
  try {
    fd = await disk.open(temp, 'w');
  } catch (error) {
    file.snapshot.abandon();
    throw error;
  }
  try {
    let offset = 0;
    for (const piece of encodeSnapshotPieces(file)) {
      await disk.write(fd, piece, offset);
      offset += piece.length;
    }
    await disk.fsync(fd);
  } finally {
    // A write that failed part-way leaves the stream unread: release what the tree keeps for it.
    file.snapshot.abandon();
    await disk.close(fd);
  }
  await disk.rename(temp, path);
  await fsyncDirectory(disk, dirname(path));
}

export async function readSnapshot(
  disk: DiskFs,
  dataDir: string,
  zxid: bigint,
): Promise<SnapshotFile> {
  const file = snapshotName(zxid);
  return decodeSnapshot(await disk.readFile(join(dataDir, file)), file);
}

/** readSnapshot for recovery: the nodes decoded as the restore reads them. */
export async function readSnapshotLazily(
  disk: DiskFs,
  dataDir: string,
  zxid: bigint,
): Promise<LazySnapshotFile> {
  const file = snapshotName(zxid);
  return decodeSnapshotLazily(await disk.readFile(join(dataDir, file)), file);
}

/** Only the head's fromSeq (retention needs no more); null when the head does not check. */
export async function readSnapshotFromSeq(
  disk: DiskFs,
  dataDir: string,
  zxid: bigint,
): Promise<number | null> {
  const fd = await disk.open(join(dataDir, snapshotName(zxid)), 'r');
  let bytes: Buffer;
  try {
    bytes = await disk.read(fd, headBytesMax, 0);
  } finally {
    await disk.close(fd);
  }
  if (snapshotVersionOf(bytes) === null) return null;
  const frame = frameAt(bytes, snapshotMagic.length);
  if (frame.type !== 'record') return null;
  try {
    return readHead(frame.payload).safeInteger('fromSeq');
  } catch {
    return null;
  }
}
