// The one msgpackr configuration Zoo writes bytes with — peer links (peer-codec.ts) and the data
// directory's txn log and snapshots (disk/) alike: plain maps, int64 ↔ bigint, data as bin.
// Decoding gives `unknown`; read-txn.ts and read-peer-message.ts validate the shape.

import { DecodeError } from '@zoo/client/protocol';
import { Packr, Unpackr } from 'msgpackr';

// Records, structured clones and the extra types are off: each value is a self-contained
// msgpack value any decoder can read. A bigint is always written as int64, and msgpackr reads
// every int64 back as a bigint, while safe-integer numbers never become int64 — so bigint
// fields and number fields keep their types across the wire and on disk.
const packr = new Packr({ useRecords: false, structuredClone: false, moreTypes: false });
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  structuredClone: false,
  int64AsType: 'bigint',
});

export function packValue(value: unknown): Buffer {
  return packr.pack(value);
}

/** Exactly one value; `what` names the bytes in the DecodeError. */
export function unpackValue(bytes: Uint8Array, what: string): unknown {
  try {
    const value: unknown = unpackr.unpack(bytes);
    return value;
  } catch (error) {
    // msgpackr throws plain Errors (and RangeError, or a RegExp's SyntaxError from its
    // extensions) for bytes it cannot read: all of them are bad input, not bugs here.
    throw new DecodeError(`undecodable ${what} of ${bytes.length} bytes: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}
