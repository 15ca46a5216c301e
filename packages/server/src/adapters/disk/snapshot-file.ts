// Snapshot files: `snapshot.<zxid as 16 hex digits>`, a magic and one checksummed frame holding
// the TreeSnapshot in the peer links' msgpack form (read back through read-txn.ts's validation).
// Written to a temp file, fsynced, renamed and the directory fsynced: whole or absent.

import { join } from 'node:path';
import type { TreeSnapshot } from '../../core/tree/tree-snapshot.js';
import { packValue, unpackValue } from '../msgpack-value.js';
import { readTreeSnapshot } from '../read-txn.js';
import { WireObject } from '../wire-object.js';
import { CorruptDataDirError } from './disk-errors.js';
import { writeFileDurably, type DiskFs } from './disk-fs.js';
import { decodeCheckedFile, encodeCheckedFile } from './record-frame.js';

const snapshotMagic = 'ZOOSNAP1';
const namePattern = /^snapshot\.([0-9a-f]{16})$/;

export function snapshotName(zxid: bigint): string {
  return `snapshot.${BigInt.asUintN(64, zxid).toString(16).padStart(16, '0')}`;
}

/** The zxid a file name stands for, or null when it names no snapshot. */
export function snapshotZxidOf(name: string): bigint | null {
  const match = namePattern.exec(name);
  return match?.[1] === undefined ? null : BigInt.asIntN(64, BigInt(`0x${match[1]}`));
}

export function encodeSnapshot(snapshot: TreeSnapshot): Buffer {
  return encodeCheckedFile(snapshotMagic, packValue(snapshot));
}

/** Throws CorruptDataDirError for a failed checksum, a bad shape, or a zxid unlike its name. */
export function decodeSnapshot(bytes: Buffer, file: string): TreeSnapshot {
  const payload = decodeCheckedFile(bytes, snapshotMagic, file);
  let snapshot: TreeSnapshot;
  try {
    snapshot = readTreeSnapshot(WireObject.of(unpackValue(payload, 'snapshot'), 'snapshot'));
  } catch (error) {
    throw new CorruptDataDirError(file, `unreadable snapshot: ${String(error)}`);
  }
  if (snapshotName(snapshot.zxid) !== file) {
    throw new CorruptDataDirError(file, `holds snapshot 0x${snapshot.zxid.toString(16)}`);
  }
  return snapshot;
}

export async function writeSnapshot(
  disk: DiskFs,
  dataDir: string,
  snapshot: TreeSnapshot,
): Promise<void> {
  await writeFileDurably(
    disk,
    join(dataDir, snapshotName(snapshot.zxid)),
    encodeSnapshot(snapshot),
  );
}

export async function readSnapshot(
  disk: DiskFs,
  dataDir: string,
  zxid: bigint,
): Promise<TreeSnapshot> {
  const file = snapshotName(zxid);
  return decodeSnapshot(await disk.readFile(join(dataDir, file)), file);
}
