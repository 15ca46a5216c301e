// The `epochs` file: a member's acceptedEpoch and currentEpoch (ZooKeeper keeps them in the
// files acceptedEpoch and currentEpoch), checksummed and replaced atomically and durably.

import { join } from 'node:path';
import { packValue, unpackValue } from '../msgpack-value.js';
import { WireObject } from '../wire-object.js';
import { CorruptDataDirError } from './disk-errors.js';
import { writeFileDurably, type DiskFs } from './disk-fs.js';
import { decodeCheckedFile, encodeCheckedFile } from './record-frame.js';

const epochsMagic = 'ZOOEPOC1';
export const epochsFileName = 'epochs';

export interface Epochs {
  acceptedEpoch: number;
  currentEpoch: number;
}

export async function writeEpochs(disk: DiskFs, dataDir: string, epochs: Epochs): Promise<void> {
  const { acceptedEpoch, currentEpoch } = epochs;
  const bytes = encodeCheckedFile(epochsMagic, packValue({ acceptedEpoch, currentEpoch }));
  await writeFileDurably(disk, join(dataDir, epochsFileName), bytes);
}

/** Zero epochs when the file does not exist (a new member); a bad file throws. */
export async function readEpochs(disk: DiskFs, dataDir: string): Promise<Epochs> {
  let bytes: Buffer;
  try {
    bytes = await disk.readFile(join(dataDir, epochsFileName));
  } catch (error) {
    if (isNotFound(error)) return { acceptedEpoch: 0, currentEpoch: 0 };
    throw error;
  }
  return decodeEpochs(bytes);
}

/** The epochs an `epochs` file's bytes hold; a bad file throws CorruptDataDirError. */
export function decodeEpochs(bytes: Buffer): Epochs {
  const payload = decodeCheckedFile(bytes, epochsMagic, epochsFileName);
  try {
    const o = WireObject.of(unpackValue(payload, 'epochs'), 'epochs');
    return {
      acceptedEpoch: o.safeInteger('acceptedEpoch'),
      currentEpoch: o.safeInteger('currentEpoch'),
    };
  } catch (error) {
    throw new CorruptDataDirError(epochsFileName, String(error));
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
