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
  /**
   * The member lost its data (`zoo-data reset` marked the emptied directory): it votes only
   * once synced (core/zab/rejoin.ts). Written only when true, so other files stay as they were.
   */
  isRejoining?: boolean;
}

export async function writeEpochs(disk: DiskFs, dataDir: string, epochs: Epochs): Promise<void> {
  await writeFileDurably(disk, join(dataDir, epochsFileName), encodeEpochs(epochs));
}

/** An `epochs` file's bytes. */
export function encodeEpochs(epochs: Epochs): Buffer {
  const { acceptedEpoch, currentEpoch } = epochs;
  const fields = epochs.isRejoining === true ? { isRejoining: true } : {};
  return encodeCheckedFile(epochsMagic, packValue({ acceptedEpoch, currentEpoch, ...fields }));
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
    const epochs: Epochs = {
      acceptedEpoch: o.safeInteger('acceptedEpoch'),
      currentEpoch: o.safeInteger('currentEpoch'),
    };
    if (o.has('isRejoining') && o.boolean('isRejoining')) epochs.isRejoining = true;
    return epochs;
  } catch (error) {
    throw new CorruptDataDirError(epochsFileName, String(error));
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
