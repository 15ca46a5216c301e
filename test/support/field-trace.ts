// The fields of a request frame, found by letting Zoo's own request decoder read it through a
// JuteReader that notes every primitive it reads. The generated field test mutates these spans,
// so a field added to any request record (or to a multi op) is covered without a list to update.

import { JuteReader, readRequestBody } from './protocol.js';

export type FieldKind = 'int' | 'long' | 'bool' | 'ustring' | 'buffer' | 'vector';

export interface FieldSpan {
  kind: FieldKind;
  /** Byte offsets in the payload (the frame without its length prefix). */
  start: number;
  end: number;
  /** Position in read order, e.g. `#3 ustring`; a vector's elements follow the vector. */
  label: string;
}

/** Records each read; reads made inside another traced read (its length, its count) are not. */
class TracingReader extends JuteReader {
  readonly spans: FieldSpan[] = [];
  private depth = 0;

  constructor(buffer: Buffer, offset: number) {
    super(buffer, undefined, offset);
    // Every vector reader JuteReader has, today's and tomorrow's, is traced as a vector.
    for (const name of Object.getOwnPropertyNames(JuteReader.prototype)) {
      if (!/^read\w*Vector$/.test(name)) continue;
      const read = Reflect.get(JuteReader.prototype, name) as (...args: unknown[]) => unknown;
      Reflect.set(this, name, (...args: unknown[]) =>
        this.tracedVector(() => read.apply(this, args)),
      );
    }
  }

  private traced<T>(kind: FieldKind, read: () => T): T {
    const start = this.offset;
    if (this.depth > 0) return read();
    this.depth += 1;
    const index = this.spans.length;
    try {
      return read();
    } finally {
      this.depth -= 1;
      this.spans.splice(index, 0, { kind, start, end: this.offset, label: '' });
    }
  }

  override readInt(): number {
    return this.traced('int', () => super.readInt());
  }

  override readLong(): bigint {
    return this.traced('long', () => super.readLong());
  }

  override readBool(): boolean {
    return this.traced('bool', () => super.readBool());
  }

  override readBuffer(): Buffer | null {
    return this.traced('buffer', () => super.readBuffer());
  }

  override readUstring(): string | null {
    return this.traced('ustring', () => super.readUstring());
  }

  /** A vector's count is part of the vector's span, not a field of its own. */
  override readVectorCount(elementBytesMin?: number): number | null {
    this.depth += 1;
    try {
      return super.readVectorCount(elementBytesMin);
    } finally {
      this.depth -= 1;
    }
  }

  /** A vector is a field (count and elements), and so is each field of each element. */
  private tracedVector<T>(read: () => T): T {
    const start = this.offset;
    const index = this.spans.length;
    const value = read();
    this.spans.splice(index, 0, { kind: 'vector', start, end: this.offset, label: '' });
    return value;
  }
}

/**
 * The fields of a well-formed request payload in read order, header (xid, opcode) excluded.
 * Throws if Zoo cannot decode the payload: baselines must be valid requests.
 */
export function requestFields(payload: Buffer): FieldSpan[] {
  const reader = new TracingReader(payload, 8);
  const opCode = payload.readInt32BE(4);
  if (readRequestBody(reader, opCode) === null) {
    throw new Error(`opcode ${opCode} is no request Zoo decodes`);
  }
  return reader.spans.map((span, index) => ({ ...span, label: `#${index} ${span.kind}` }));
}

/** The payload with one field's bytes replaced. */
export function spliceField(payload: Buffer, span: FieldSpan, bytes: Buffer): Buffer {
  return Buffer.concat([payload.subarray(0, span.start), bytes, payload.subarray(span.end)]);
}
