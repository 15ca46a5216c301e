// Reads typed fields out of a value that msgpackr decoded from a peer's bytes (so `unknown`):
// every wrong type, range or shape raises DecodeError naming the field, and the link closes.

import { DecodeError } from '@zoo/client/protocol';

/** Keys that could reach a prototype if copied; msgpackr renames __proto__ to __proto_. */
const forbiddenKeys: readonly string[] = ['__proto__', '__proto_', 'constructor', 'prototype'];

const int64Min = -(1n << 63n);
const int64Max = (1n << 63n) - 1n;

export function decodeFail(where: string, problem: string): never {
  throw new DecodeError(`${where}: ${problem}`);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'null-prototype'} object`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

export function int32Of(value: unknown, where: string): number {
  if (typeof value === 'number' && value === (value | 0)) return value;
  return decodeFail(where, `expected an int32, got ${describeValue(value)}`);
}

export function safeIntegerOf(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return decodeFail(where, `expected a safe integer, got ${describeValue(value)}`);
}

/** zxids and session ids: bigint in Java's long range (msgpackr decodes int64 as bigint). */
export function int64Of(value: unknown, where: string): bigint {
  if (typeof value === 'bigint' && value >= int64Min && value <= int64Max) return value;
  return decodeFail(where, `expected an int64 bigint, got ${describeValue(value)}`);
}

export function stringOf(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  return decodeFail(where, `expected a string, got ${describeValue(value)}`);
}

/** A copy, so what the receiver keeps does not pin the frame the bytes arrived in. */
export function bytesOf(value: unknown, where: string): Buffer {
  if (value instanceof Uint8Array) return Buffer.from(value);
  return decodeFail(where, `expected bytes, got ${describeValue(value)}`);
}

/** A plain map with string keys, read through its own properties only. */
export class WireObject {
  // The decoded map itself, not a copy: a field is read only by a known key and only when it
  // is the map's own property, so nothing reaches a prototype. The place of a field in the
  // message (`where.key`) is spelled out only when it is wrong.
  private constructor(
    private readonly fields: Readonly<Record<string, unknown>>,
    readonly where: string,
  ) {}

  static of(value: unknown, where: string): WireObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return decodeFail(where, `expected a map, got ${describeValue(value)}`);
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      return decodeFail(where, `expected a plain map, got ${describeValue(value)}`);
    }
    for (const key of forbiddenKeys) {
      if (Object.hasOwn(value, key)) decodeFail(where, `forbidden key ${JSON.stringify(key)}`);
    }
    return new WireObject(value as Readonly<Record<string, unknown>>, where);
  }

  /** Unknown extra keys are ignored (nothing copies them); a missing one is an error. */
  get(key: string): unknown {
    if (!Object.hasOwn(this.fields, key)) return decodeFail(this.at(key), 'missing');
    return this.fields[key];
  }

  /** For a key newer writers add: an older file or peer lacks it. */
  has(key: string): boolean {
    return Object.hasOwn(this.fields, key);
  }

  at(key: string): string {
    return `${this.where}.${key}`;
  }

  int32(key: string): number {
    const value = this.get(key);
    if (typeof value === 'number' && value === (value | 0)) return value;
    return int32Of(value, this.at(key));
  }

  safeInteger(key: string): number {
    const value = this.get(key);
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    return safeIntegerOf(value, this.at(key));
  }

  int64(key: string): bigint {
    const value = this.get(key);
    if (typeof value === 'bigint' && value >= int64Min && value <= int64Max) return value;
    return int64Of(value, this.at(key));
  }

  string(key: string): string {
    const value = this.get(key);
    if (typeof value === 'string') return value;
    return stringOf(value, this.at(key));
  }

  boolean(key: string): boolean {
    const value = this.get(key);
    if (typeof value === 'boolean') return value;
    return decodeFail(this.at(key), `expected a boolean, got ${describeValue(value)}`);
  }

  bytes(key: string): Buffer {
    const value = this.get(key);
    if (value instanceof Uint8Array) return Buffer.from(value);
    return bytesOf(value, this.at(key));
  }

  bytesOrNull(key: string): Buffer | null {
    const value = this.get(key);
    return value === null ? null : this.bytes(key);
  }

  object(key: string): WireObject {
    return WireObject.of(this.get(key), this.at(key));
  }

  /** One of `allowed`, compared as strings. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.get(key);
    const found = allowed.find((candidate) => candidate === value);
    if (found !== undefined) return found;
    return decodeFail(
      this.at(key),
      `expected one of ${allowed.join('|')}, got ${describeValue(value)}`,
    );
  }

  /** Each element read by `read`, which is told the element's place (`key[i]`). */
  list<T>(key: string, read: (value: unknown, where: string) => T): T[] {
    const value = this.get(key);
    if (!Array.isArray(value)) {
      return decodeFail(this.at(key), `expected an array, got ${describeValue(value)}`);
    }
    const where = this.at(key);
    const out: T[] = [];
    for (let i = 0; i < value.length; i++) out.push(read(value[i], `${where}[${i}]`));
    return out;
  }
}
