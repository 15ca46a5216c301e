// The bytes of a counter znode: its value and the ids of its most recent updates, each with the
// value it produced, so that a client whose reply was lost can tell whether its update applied.
//
//   offset 0   int64 big-endian  the value
//   offset 8   uint8             format, 1
//   offset 9   uint8             n, the number of recent updates (≤ 255)
//   offset 10  n × 24 bytes      oldest first: a 16-byte update id, then the int64 big-endian
//                                value the counter had right after that update
//
// The value comes first, as 8 big-endian bytes, the form Curator's DistributedAtomicLong and
// plain tools read; a node holding exactly those 8 bytes (or no data at all) is read as a value
// with no recent updates.

import { CounterFormatError } from './counter-errors.js';

export const counterFormat = 1;
/** The most recent updates one node can hold: n is one byte. */
export const recentUpdatesLimit = 255;
export const updateIdBytes = 16;

const headerBytes = 10;
const entryBytes = updateIdBytes + 8;
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

export interface CounterUpdate {
  /** 32 lowercase hex digits. */
  id: string;
  /** The counter's value right after this update. */
  value: bigint;
}

export interface CounterState {
  value: bigint;
  /** Oldest first. */
  updates: CounterUpdate[];
}

/** True when `value` fits a signed 64-bit integer, the counter's range. */
export function isInt64(value: bigint): boolean {
  return value >= int64Min && value <= int64Max;
}

export function encodeCounter(state: CounterState): Buffer {
  if (state.updates.length > recentUpdatesLimit) {
    throw new RangeError(`at most ${recentUpdatesLimit} recent updates fit a counter node`);
  }
  const bytes = Buffer.alloc(headerBytes + state.updates.length * entryBytes);
  bytes.writeBigInt64BE(state.value, 0);
  bytes.writeUInt8(counterFormat, 8);
  bytes.writeUInt8(state.updates.length, 9);
  state.updates.forEach((update, index) => {
    const offset = headerBytes + index * entryBytes;
    if (bytes.write(update.id, offset, updateIdBytes, 'hex') !== updateIdBytes) {
      throw new RangeError(`update id ${update.id} is not ${updateIdBytes} bytes of hex`);
    }
    bytes.writeBigInt64BE(update.value, offset + updateIdBytes);
  });
  return bytes;
}

/** Reads a counter node's data; `initialValue` stands for a node without data. */
export function decodeCounter(
  data: Buffer | null,
  options: { path: string; initialValue: bigint },
): CounterState {
  if (data === null || data.length === 0) return { value: options.initialValue, updates: [] };
  if (data.length === 8) return { value: data.readBigInt64BE(0), updates: [] };
  if (data.length < headerBytes) {
    throw new CounterFormatError(options.path, `${data.length} bytes`);
  }
  const format = data.readUInt8(8);
  if (format !== counterFormat) {
    throw new CounterFormatError(options.path, `format ${format}, expected ${counterFormat}`);
  }
  const count = data.readUInt8(9);
  if (data.length !== headerBytes + count * entryBytes) {
    const reason = `${data.length} bytes for ${count} recent updates`;
    throw new CounterFormatError(options.path, reason);
  }
  const updates: CounterUpdate[] = [];
  for (let index = 0; index < count; index += 1) {
    const offset = headerBytes + index * entryBytes;
    updates.push({
      id: data.toString('hex', offset, offset + updateIdBytes),
      value: data.readBigInt64BE(offset + updateIdBytes),
    });
  }
  return { value: data.readBigInt64BE(0), updates };
}
