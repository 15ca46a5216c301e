// Tests for JuteWriter's buffer management: frames, growth, take/toBuffer and rollback.

import { describe, expect, test } from 'vitest';
import { AssertionError } from './assert.js';
import { JuteWriter } from './jute-writer.js';

describe('JuteWriter', () => {
  test('back-patches the payload length of each frame, not counting the length itself', () => {
    const w = new JuteWriter();
    const a = w.beginFrame();
    w.writeInt(-2);
    w.writeInt(11);
    w.endFrame(a);
    const b = w.beginFrame();
    w.endFrame(b);
    expect(w.toBuffer().toString('hex')).toBe('00000008' + 'fffffffe' + '0000000b' + '00000000');
  });

  test('take returns the contents and leaves the writer empty for the next turn', () => {
    const w = new JuteWriter({ initialBytes: 64 });
    w.writeInt(1);
    const first = w.take();
    expect(w.length).toBe(0);
    w.writeInt(2);
    // The first result must not be overwritten by later writes (it may still be in flight).
    expect(first.toString('hex')).toBe('00000001');
    expect(w.take().toString('hex')).toBe('00000002');
  });

  test('take hands over a mostly full buffer and keeps writing into a fresh one', () => {
    const w = new JuteWriter({ initialBytes: 8 });
    w.writeLong(5n);
    const taken = w.take();
    w.writeLong(6n);
    expect(taken.readBigInt64BE(0)).toBe(5n);
    expect(w.toBuffer().readBigInt64BE(0)).toBe(6n);
  });

  test('writes every long as Buffer.writeBigInt64BE does, near the double-exact bounds too', () => {
    const edges = [0n, 1n, -1n, 0xffffffffn, 0x100000000n, -0x100000000n, -0x100000001n];
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    const big = [safe - 1n, safe, safe + 1n, safe + 2n, -safe, -safe - 1n, -safe - 2n];
    const session = 0x0100_18f3_a2b4_0001n; // a session id: beyond what a double holds
    const ends = [2n ** 63n - 1n, -(2n ** 63n), session, 0x5_0000_0007n, 1_733_580_000_123n];
    for (const n of [...edges, ...big, ...ends]) {
      const expected = Buffer.alloc(8);
      expected.writeBigInt64BE(n);
      const w = new JuteWriter();
      w.writeLong(n);
      expect(w.toBuffer().toString('hex'), `${n}`).toBe(expected.toString('hex'));
    }
  });

  test('grows by doubling across many writes and keeps earlier bytes', () => {
    const w = new JuteWriter({ initialBytes: 1 });
    for (let i = 0; i < 10_000; i++) w.writeInt(i);
    const b = w.toBuffer();
    expect(b.length).toBe(40_000);
    expect(b.readInt32BE(4 * 9_999)).toBe(9_999);
  });

  test('toBuffer returns a copy that later writes do not change', () => {
    const w = new JuteWriter();
    w.writeInt(1);
    const copy = w.toBuffer();
    w.truncate(0);
    w.writeInt(2);
    expect(copy.readInt32BE(0)).toBe(1);
  });

  test('truncate and reset discard bytes; a bad truncate or endFrame is an assertion', () => {
    const w = new JuteWriter();
    w.writeInt(1);
    w.writeInt(2);
    w.truncate(4);
    expect(w.length).toBe(4);
    expect(() => w.truncate(5)).toThrow(AssertionError);
    expect(() => w.endFrame(2)).toThrow(AssertionError);
    w.reset();
    expect(w.length).toBe(0);
  });
});
