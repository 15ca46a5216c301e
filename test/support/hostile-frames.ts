// Seeded hostile byte scripts for one client connection each: random bytes, bit flips,
// truncations, lying length prefixes and random opcodes with random bodies, before and after a
// valid ConnectRequest — which may resume another connection's session while that connection
// still has writes in flight, the way a client once crashed the server. A "frame" is one unit
// the script sends (a length-prefixed frame, or a run of garbage where a frame would be).

import {
  JuteWriter,
  OPEN_ACL_UNSAFE,
  OpCode,
  encodeConnectRequest,
  encodeRequest,
} from './protocol.js';
import type { Request } from './protocol.js';
import { connectFrame } from './raw-socket.js';

/** mulberry32: small, fast and seedable, so a failing run can be replayed from its seed. */
export class FuzzRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i += 1) out[i] = this.int(0, 255);
    return out;
  }
}

export interface HostileScript {
  /** Bytes to write, in order. */
  chunks: Buffer[];
  frames: number;
  /** The script carries the marker request (it starts with a valid ConnectRequest). */
  hasMarker: boolean;
}

/**
 * The xid of the script's last well-formed request, a ping-free exists: once its reply is back,
 * the server has answered everything before it, and the fuzzer need not wait longer.
 */
export const markerXid = 0x7ead;

const knownOpCodes: readonly number[] = Object.values(OpCode);
/** Opcodes whose frame ends the connection (unknown to a server, or closing the session). */
const endingOpCodes = new Set<number>([
  OpCode.notification,
  OpCode.createSession,
  OpCode.closeSession,
  OpCode.error,
  OpCode.check,
  OpCode.deleteContainer,
  OpCode.auth,
  OpCode.sasl,
]);
/** Opcodes a server answers with a reply and keeps the connection: most frames use these. */
const answeredOpCodes = knownOpCodes.filter((opCode) => !endingOpCodes.has(opCode));

/** Requests a real client sends; ephemeral creates, so that nothing outlives the sessions. */
const validRequests: readonly Request[] = [
  { type: 'exists', path: '/', watch: true },
  { type: 'getData', path: '/zookeeper', watch: true },
  { type: 'getChildren', path: '/', watch: true, withStat: true },
  { type: 'ping' },
  { type: 'sync', path: '/' },
  {
    type: 'create',
    variant: 'create2',
    path: '/fuzz-',
    data: Buffer.from('x'),
    acl: [...OPEN_ACL_UNSAFE],
    flags: 3,
    ttl: -1n,
  },
  { type: 'setData', path: '/fuzz-missing', data: Buffer.from('y'), version: -1 },
  { type: 'delete', path: '/fuzz-missing', version: -1 },
  { type: 'multi', ops: [{ type: 'check', path: '/', version: -1 }] },
  { type: 'addWatch', path: '/', mode: 1 },
  { type: 'whoAmI' },
];

function validRequestFrame(random: FuzzRandom): Buffer {
  const writer = new JuteWriter({ initialBytes: 128 });
  // Few xids, so that a session's requests often repeat one, on one connection or across two.
  encodeRequest(writer, random.int(1, 16), random.pick(validRequests));
  return writer.take();
}

type OpCodeChoice = 'answered' | 'known' | 'any';

/** A well-framed request: the right length, a random opcode of the kind asked, random body. */
function randomOpFrame(random: FuzzRandom, choice: OpCodeChoice): Buffer {
  const body = random.bytes(random.int(0, 64));
  const frame = Buffer.alloc(12 + body.length);
  frame.writeInt32BE(8 + body.length, 0);
  frame.writeInt32BE(random.int(-10, 1_000_000), 4);
  const opCode =
    choice === 'any'
      ? random.int(-0x80000000, 0x7fffffff)
      : random.pick(choice === 'known' ? knownOpCodes : answeredOpCodes);
  frame.writeInt32BE(opCode, 8);
  body.copy(frame, 12);
  return frame;
}

function flipBits(random: FuzzRandom, bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let flips = random.int(1, 4); flips > 0; flips -= 1) {
    const at = random.int(0, out.length - 1);
    out[at] = (out[at] ?? 0) ^ (1 << random.int(0, 7));
  }
  return out;
}

/** A length prefix that does not match what follows: too long, too short, negative, huge. */
function lyingLengthFrame(random: FuzzRandom, valid: Buffer): Buffer {
  const out = Buffer.from(valid);
  const lies = [valid.length + random.int(1, 100), random.int(0, 7), -random.int(1, 1 << 30)];
  out.writeInt32BE(random.pick([...lies, 0x100000 + random.int(0, 1 << 20), 0x7fffffff]), 0);
  return out;
}

/** Something that usually ends a connection: a broken frame of any kind. */
function terminalChunk(random: FuzzRandom, valid: Buffer): Buffer {
  switch (random.int(0, 4)) {
    case 0:
      return random.bytes(random.int(1, 300));
    case 1:
      return flipBits(random, valid);
    case 2:
      return valid.subarray(0, random.int(1, valid.length - 1));
    case 3:
      return lyingLengthFrame(random, valid);
    default:
      return randomOpFrame(random, 'any');
  }
}

/** One frame of the session phase: mostly frames the server parses and answers. */
function sessionFrame(random: FuzzRandom): Buffer {
  const roll = random.next();
  if (roll < 0.3) return validRequestFrame(random);
  if (roll < 0.85) return randomOpFrame(random, 'answered');
  if (roll < 0.95) return flipBits(random, validRequestFrame(random));
  return randomOpFrame(random, random.next() < 0.5 ? 'known' : 'any');
}

/** A session another connection of the fuzz established, as its ConnectResponse told it. */
export interface ResumableSession {
  sessionId: bigint;
  passwd: Buffer;
}

function resumeFrame(session: ResumableSession, timeoutMs: number): Buffer {
  const writer = new JuteWriter({ initialBytes: 64 });
  encodeConnectRequest(writer, { protocolVersion: 0, lastZxidSeen: 0n, timeoutMs, ...session });
  return writer.take();
}

/**
 * The script of one connection: hostility before the handshake, or a session's worth after —
 * of a new session, or of `resume` when given.
 */
export function hostileScript(
  random: FuzzRandom,
  sessionTimeoutMs: number,
  resume: ResumableSession | null = null,
): HostileScript {
  const connect =
    resume === null ? connectFrame(sessionTimeoutMs) : resumeFrame(resume, sessionTimeoutMs);
  if (random.next() < 0.2) {
    return { chunks: [terminalChunk(random, connect)], frames: 1, hasMarker: false };
  }
  const chunks = [connect];
  for (let count = random.int(0, 60); count > 0; count -= 1) chunks.push(sessionFrame(random));
  const marker = new JuteWriter({ initialBytes: 32 });
  encodeRequest(marker, markerXid, { type: 'exists', path: '/', watch: false });
  chunks.push(marker.take());
  if (random.next() < 0.5) chunks.push(terminalChunk(random, validRequestFrame(random)));
  return { chunks, frames: chunks.length, hasMarker: true };
}
