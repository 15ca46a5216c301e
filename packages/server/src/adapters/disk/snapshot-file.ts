// Snapshot files: `snapshot.<zxid as 16 hex digits>`, a magic, then checksummed frames: a head
// (zxid, the seq of the log segment recovery replays from, node count), the sessions and ACL
// lists (msgpack), and the nodes in binary chunks (snapshot-nodes-codec.ts), checked on reading
// as read-txn.ts checks a SNAP. Chunks let a large tree be encoded and written a piece at a time
// while the server goes on serving, and a flipped bit is caught in the chunk it hits.
// Written to a temp file, fsynced, renamed and the directory fsynced: whole or absent.

import { dirname, join } from 'node:path';
import type { SnapshotNode, TreeSnapshot } from '../../core/tree/tree-snapshot.js';
import { packValue, unpackValue } from '../msgpack-value.js';
import { checkSnapshotNodes, readAcls, readSnapshotSessions } from '../read-txn.js';
import { AclTable, decodeNodeChunk, encodeNodeChunk } from './snapshot-nodes-codec.js';
import { WireObject } from '../wire-object.js';
import { CorruptDataDirError } from './disk-errors.js';
import { fsyncDirectory, type DiskFs } from './disk-fs.js';
import { encodeFrame, frameAt } from './record-frame.js';

const snapshotMagic = Buffer.from('ZOOSNAP3', 'latin1');
const namePattern = /^snapshot\.([0-9a-f]{16})$/;
/** Nodes per frame: a millisecond or so of encoding, so serving goes on between chunks. */
const nodesPerChunk = 4096;

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

/** Head bytes are a few dozen; reading this many always covers them. */
const headBytesMax = 256;

/**
 * The file's pieces in order: the magic with the head, the sessions and the ACL table, then one
 * frame per chunk of nodes (snapshot-nodes-codec.ts).
 */
export function* encodeSnapshotPieces(file: SnapshotFile): Generator<Buffer> {
  const { zxid, sessions, nodes } = file.snapshot;
  const acls = new AclTable();
  for (const node of nodes) acls.indexFor(node.acl);
  const head = packValue({ zxid, fromSeq: file.fromSeq, nodeCount: nodes.length });
  const tables = packValue({ sessions, acls: acls.lists });
  yield Buffer.concat([snapshotMagic, encodeFrame(head), encodeFrame(tables)]);
  for (let start = 0; start < nodes.length; start += nodesPerChunk) {
    yield encodeFrame(encodeNodeChunk(nodes.slice(start, start + nodesPerChunk), acls));
  }
}

export function encodeSnapshot(file: SnapshotFile): Buffer {
  return Buffer.concat([...encodeSnapshotPieces(file)]);
}

/** Throws CorruptDataDirError for a failed checksum, a bad shape, or a zxid unlike its name. */
export function decodeSnapshot(bytes: Buffer, file: string): SnapshotFile {
  if (!bytes.subarray(0, snapshotMagic.length).equals(snapshotMagic)) {
    throw new CorruptDataDirError(file, 'not a ZOOSNAP3 file', 0);
  }
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
  let decoded: SnapshotFile;
  try {
    decoded = joinPieces(payloads);
  } catch (error) {
    throw new CorruptDataDirError(file, `unreadable snapshot: ${String(error)}`);
  }
  if (snapshotName(decoded.snapshot.zxid) !== file) {
    throw new CorruptDataDirError(file, `holds snapshot 0x${decoded.snapshot.zxid.toString(16)}`);
  }
  return decoded;
}

function readHead(bytes: Buffer): WireObject {
  return WireObject.of(unpackValue(bytes, 'snapshot head'), 'head');
}

/** The head, the tables and the chunks back into one snapshot, checked as read-txn.ts does. */
function joinPieces(payloads: readonly Buffer[]): SnapshotFile {
  const [headBytes, tableBytes, ...chunkBytes] = payloads;
  if (headBytes === undefined || tableBytes === undefined) throw new Error('no head');
  const head = readHead(headBytes);
  const zxid = head.int64('zxid');
  const tables = WireObject.of(unpackValue(tableBytes, 'snapshot tables'), 'tables');
  const acls = tables.list('acls', (value, where) =>
    readAcls(WireObject.of({ acl: value }, where), 'acl'),
  );
  const nodes: SnapshotNode[] = [];
  for (const chunk of chunkBytes) decodeNodeChunk(chunk, acls, nodes);
  const nodeCount = head.safeInteger('nodeCount');
  if (nodes.length !== nodeCount) {
    throw new Error(`${nodes.length} nodes where the head says ${nodeCount}`);
  }
  checkSnapshotNodes(nodes, zxid, 'nodes');
  const sessions = readSnapshotSessions(tables.get('sessions'), 'sessions');
  return { snapshot: { zxid, nodes, sessions }, fromSeq: head.safeInteger('fromSeq') };
}

/**
 * Writes the snapshot a chunk at a time (each write yields to the event loop), to a temp file
 * renamed into place once fsynced: a crash leaves the whole file or none.
 */
export async function writeSnapshot(
  disk: DiskFs,
  dataDir: string,
  file: SnapshotFile,
): Promise<void> {
  const path = join(dataDir, snapshotName(file.snapshot.zxid));
  const temp = `${path}.tmp`;
  const fd = await disk.open(temp, 'w');
  try {
    let offset = 0;
    for (const piece of encodeSnapshotPieces(file)) {
      await disk.write(fd, piece, offset);
      offset += piece.length;
    }
    await disk.fsync(fd);
  } finally {
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
  if (!bytes.subarray(0, snapshotMagic.length).equals(snapshotMagic)) return null;
  const frame = frameAt(bytes, snapshotMagic.length);
  if (frame.type !== 'record') return null;
  try {
    return readHead(frame.payload).safeInteger('fromSeq');
  } catch {
    return null;
  }
}
